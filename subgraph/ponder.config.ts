/**
 * Which chain and contracts the indexer reads. Addresses and start blocks come from the address
 * book that deployment writes (deploy/deployments/<chainId>.json, or PAR_DEPLOYMENTS); ABIs are
 * the SDK's. Environment:
 *   PONDER_RPC_URL (or PAR_RPC)   the chain's JSON-RPC URL        default http://127.0.0.1:8545
 *   PONDER_CHAIN_ID               its chain id                    default 31337
 *   PAR_DEPLOYMENTS               the address books' folder       default deploy/deployments
 *   DATABASE_URL                  a PostgreSQL database; unset: the embedded PGlite
 *   PONDER_PGLITE_DIR             PGlite's folder                 default subgraph/.ponder/pglite
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createConfig } from "ponder";
import { addressBookPath, loadAddressBook } from "@paradigm/keepers/addresses";
import * as abi from "@paradigm/keepers/abi";

const root = fileURLToPath(new URL("..", import.meta.url));
const chainId = Number(process.env.PONDER_CHAIN_ID ?? 31337);
const rpc = process.env.PONDER_RPC_URL ?? process.env.PAR_RPC ?? "http://127.0.0.1:8545";
const book = loadAddressBook(addressBookPath(chainId, path.resolve(root, process.env.PAR_DEPLOYMENTS ?? "deploy/deployments")));

/** The book's address of `name`, or a clear error: the indexer needs the whole protocol. */
function address(name: keyof typeof book.contracts) {
  const found = book.contracts[name];
  if (!found) throw new Error(`the address book for chain ${chainId} has no ${name}: the indexer reads the whole protocol; deploy it with deploy/deploy.ts`);
  return found;
}

const on = <A,>(name: keyof typeof book.contracts, contractAbi: A) => ({
  chain: "paradigm" as const,
  abi: contractAbi,
  address: address(name),
  startBlock: book.deployBlock,
});

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: process.env.PONDER_PGLITE_DIR ?? path.join(root, "subgraph/.ponder/pglite") },
  chains: {
    paradigm: { id: chainId, rpc, pollingInterval: Number(process.env.PONDER_POLLING_MS ?? 250), disableCache: chainId === 31337 },
  },
  contracts: {
    ParadigmToken: on("ParadigmToken", abi.paradigmTokenAbi),
    ModelRegistry: on("ModelRegistry", abi.modelRegistryAbi),
    KeeperRegistry: on("KeeperRegistry", abi.keeperRegistryAbi),
    TaskMarket: on("TaskMarket", abi.taskMarketAbi),
    TaskCourt: on("TaskCourt", abi.taskCourtAbi),
    EmissionPool: on("EmissionPool", abi.emissionPoolAbi),
    ParadigmTimelock: on("ParadigmTimelock", abi.paradigmTimelockAbi),
    ParadigmGovernor: on("ParadigmGovernor", abi.paradigmGovernorAbi),
  },
});
