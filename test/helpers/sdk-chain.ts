/**
 * E2E fixtures for the SDK and keeper: deploys the whole protocol on an in-process EDR chain
 * (test account = timelock), serves that chain over HTTP so keeper processes can connect, and
 * makes funded keeper/requester keys.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { parseEther, stringToHex, toHex, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { AddressBook } from "../../keepers/src/chain/addresses.js";
import { connect, type ParadigmClients } from "../../keepers/src/chain/client.js";
import { specStruct } from "../../keepers/src/chain/models.js";
import { MODELS } from "../../keepers/src/models.js";
import { deployParadigm } from "../../deploy/deployment.js";
import { KEEPER_TEST } from "../../deploy/profiles.js";

export type Connection = NetworkConnection;

/** The SDK catalog's models, approved in this order (ids 1, 2, 3). */
const SDK_MODELS = ["mlp", "mixed", "silero"] as const;

/**
 * The protocol as the module deploys it (deploy/modules/Paradigm.ts, KEEPER_TEST profile: the
 * test account governs and mints), with the SDK catalog's models and the address book the SDK
 * reads.
 */
export async function deploySdkChain(conn: Connection) {
  const { book, deployed } = await deployParadigm(conn, { ...KEEPER_TEST, genesisModels: SDK_MODELS.map((key) => specStruct(MODELS[key])) });
  const { token, pool, models, keepers, marketApi: market, court } = deployed;
  const modelIds = Object.fromEntries(SDK_MODELS.map((key, i) => [key, i + 1])) as Record<(typeof SDK_MODELS)[number], number>;
  return { token, pool, models, keepers, market, court, book, modelIds };
}

export type SdkChain = Awaited<ReturnType<typeof deploySdkChain>>;

type RpcRequest = { id: unknown; method: string; params?: unknown[] };

/**
 * Serves the in-process chain as a JSON-RPC endpoint on 127.0.0.1 (for keeper processes, the
 * indexer, and pages on another origin: it allows any origin, as a node does).
 * `intercept` runs before each request is forwarded, so a test can act in front of a client.
 */
export async function serveRpc(conn: Connection, opts: { intercept?: (req: RpcRequest) => Promise<void> } = {}): Promise<{ url: string; server: Server }> {
  const call = async (req: RpcRequest) => {
    try {
      await opts.intercept?.(req);
      return { jsonrpc: "2.0", id: req.id, result: await conn.provider.request({ method: req.method, params: req.params ?? [] }) };
    } catch (e) {
      const err = e as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: req.id, error: { code: err.code ?? -32603, message: err.message, data: err.data } };
    }
  };
  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "content-type");
    res.setHeader("access-control-allow-methods", "POST, OPTIONS");
    if (req.method !== "POST") {
      res.writeHead(204).end(); // a browser's preflight
      return;
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      const parsed = JSON.parse(body);
      const out = Array.isArray(parsed) ? await Promise.all(parsed.map(call)) : await call(parsed);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? toHex(v) : v)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A fresh chain for a keeper test: the protocol deployed, served over HTTP, and a block a second
 * (like the devnet). `conn`: a connection to deploy on (a bench's, with a fixed genesis date).
 */
export async function liveChain(opts: Parameters<typeof serveRpc>[1] = {}, conn?: Connection) {
  conn ??= await network.create();
  const fx = await deploySdkChain(conn);
  const { url, server } = await serveRpc(conn, opts);
  await conn.provider.request({ method: "evm_setIntervalMining", params: [1000] });
  return { conn, fx, url, server };
}

/** A fresh key registered as a keeper of `modelIds` with `stake` (and 10 PAR to spare), with its clients. */
export async function stakedKeeper({ conn, fx, url }: { conn: Connection; fx: SdkChain; url: string }, modelIds: number[], stake: bigint) {
  const key = await fundedKey(conn, fx, stake + 10n * 10n ** 8n);
  const c = clientsFor(url, fx.book, key);
  await registerKeeper(c, modelIds, stake);
  return { key, c };
}

/** A fresh key with gas and `par` PAR base units (minted by the test governance account). */
export async function fundedKey(conn: Connection, fx: SdkChain, par: bigint): Promise<Hex> {
  const key = generatePrivateKey();
  const address = privateKeyToAccount(key).address;
  await conn.networkHelpers.setBalance(address, parseEther("100"));
  if (par > 0n) await fx.token.write.mint([address, par]);
  return key;
}

/** Registers `key` as a keeper serving `modelIds` with `stake`. */
export async function registerKeeper(c: ParadigmClients, modelIds: number[], stake: bigint) {
  const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
  if (stake > 0n) await c.publicClient.waitForTransactionReceipt({ hash: await c.contracts.token.write.approve([c.book.contracts.KeeperRegistry, stake], tx) });
  const hash = await c.contracts.keepers.write.register(["http://127.0.0.1", stringToHex("cpu", { size: 32 }), modelIds, stake, 0], tx);
  await c.publicClient.waitForTransactionReceipt({ hash });
}

export function clientsFor(url: string, book: AddressBook, key: Hex): ParadigmClients {
  return connect({ rpcUrl: url, book, privateKey: key, pollingInterval: 100 });
}

export function writeBook(book: AddressBook): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "par-book-")), `${book.chainId}.json`);
  writeFileSync(file, JSON.stringify(book));
  return file;
}

export type { Address };
