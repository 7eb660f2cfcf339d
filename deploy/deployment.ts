/**
 * Deploys Paradigm with Ignition and writes the address book deploy/deployments/<chainId>.json,
 * the one file every other part (keepers, indexer, dApp) reads addresses from.
 * Used by deploy/deploy.ts (the script) and by tests that want the whole protocol.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NetworkConnection } from "hardhat/types/network";
import type { AddressBook } from "../keepers/src/chain/addresses.js";
import { paradigmModule, type ParadigmModuleOptions } from "./modules/Paradigm.js";

/** Ignition future names → contract names in the address book. */
const CONTRACT_NAMES = {
  token: "ParadigmToken",
  timelock: "ParadigmTimelock",
  governor: "ParadigmGovernor",
  guardian: "GenesisGuardian",
  pool: "EmissionPool",
  models: "ModelRegistry",
  keepers: "KeeperRegistry",
  market: "TaskMarket",
  court: "TaskCourt",
  attestor: "Attestor",
  functionsOracle: "PolicyFunctionsOracle",
} as const;

export const deploymentsDir = fileURLToPath(new URL("./deployments/", import.meta.url));

/**
 * Deploys the whole protocol on `connection` with the module `paradigmModule(options)`: the one
 * path for a real L2, the devnet and the tests (deploy/profiles.ts). Returns its address book and
 * Ignition's contract instances. `confirmations` is how many blocks Ignition waits for after each
 * step on a chain that does not automine (default 5).
 */
export async function deployParadigm(
  connection: NetworkConnection,
  options: ParadigmModuleOptions & { parameters?: Record<string, unknown> } = {},
  confirmations?: number,
) {
  const publicClient = await connection.viem.getPublicClient();
  const deployBlock = Number(await publicClient.getBlockNumber()) + 1;
  const deployed = await connection.ignition.deploy(paradigmModule(options), {
    parameters: { Paradigm: (options.parameters ?? {}) as never },
    config: confirmations === undefined ? {} : { requiredConfirmations: confirmations },
    displayUi: false,
  });
  const futures = deployed as Record<string, { address: `0x${string}` } | undefined>;
  const contracts = Object.fromEntries(
    Object.entries(CONTRACT_NAMES).flatMap(([key, name]) => (futures[key] ? [[name, futures[key].address]] : [])),
  ) as AddressBook["contracts"];
  const book: AddressBook = { chainId: await publicClient.getChainId(), deployBlock, contracts };
  return { book, deployed };
}

export function writeAddressBook(book: AddressBook, dir = deploymentsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${book.chainId}.json`);
  writeFileSync(file, JSON.stringify(book, null, 2) + "\n");
  return file;
}
