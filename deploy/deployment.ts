/**
 * Deploys Paradigm with Ignition and writes the address book deploy/deployments/<chainId>.json,
 * the one file every other part (keepers, indexer, dApp) reads addresses from.
 * Used by deploy/deploy.ts (the script) and by tests that want the whole protocol.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { NetworkConnection } from "hardhat/types/network";
import { paradigmModule, type ParadigmModuleOptions } from "./modules/Paradigm.js";

export type AddressBook = {
  chainId: number;
  deployBlock: number;
  contracts: Record<string, `0x${string}`>;
};

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
 * Deploys the whole protocol on `connection` and returns its address book. `confirmations` is how
 * many blocks Ignition waits for after each step on a chain that does not automine (default 5).
 */
export async function deployParadigm(
  connection: NetworkConnection,
  options: ParadigmModuleOptions & { parameters?: Record<string, unknown> } = {},
  confirmations?: number,
): Promise<AddressBook> {
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
  );
  return { chainId: await publicClient.getChainId(), deployBlock, contracts };
}

export function writeAddressBook(book: AddressBook, dir = deploymentsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${book.chainId}.json`);
  writeFileSync(file, JSON.stringify(book, null, 2) + "\n");
  return file;
}
