/**
 * The devnet's canary service (docs/market.md, "Attestation"): benchmarks each keeper that asks,
 * so it may become active, and posts zero-fee canary tasks at random, convicting a keeper whose
 * result differs from the answer it committed. Its key holds the Attestor's CANARY_ROLE (granted
 * at deployment: PARADIGM_CANARY).
 *
 * Env: PAR_RPC, PAR_DEPLOYMENTS, PAR_KEYSTORE, PAR_PASSPHRASE, PAR_CACHE; CANARY_EVERY (mean seconds between canaries, default 20).
 */
import path from "node:path";
import { createPublicClient, http } from "viem";
import { startCanaryService } from "../keepers/src/attestation/canary-service.js";
import { addressBookPath, loadAddressBook } from "../keepers/src/chain/addresses.js";
import { connect } from "../keepers/src/chain/client.js";
import { loadKeystore } from "../keepers/src/keystore.js";

const rpcUrl = process.env.PAR_RPC ?? "http://127.0.0.1:8545";
const chainId = await createPublicClient({ transport: http(rpcUrl) }).getChainId();
const book = loadAddressBook(addressBookPath(chainId, process.env.PAR_DEPLOYMENTS ?? path.resolve("deploy/deployments")));
const privateKey = loadKeystore(process.env.PAR_KEYSTORE!, process.env.PAR_PASSPHRASE ?? "");
const service = await startCanaryService({
  clients: connect({ rpcUrl, book, privateKey }),
  cacheDir: process.env.PAR_CACHE ?? path.resolve(".devnet/models"),
  canaryEverySeconds: Number(process.env.CANARY_EVERY ?? 20),
});
await service.done;
