/**
 * Deploys Paradigm with Ignition and writes the address book deploy/deployments/<chainId>.json,
 * the one file every other part (keepers, indexer, dApp) reads addresses from.
 *
 *   npx hardhat run --network localhost deploy/deploy.ts
 *
 * PARADIGM_PROFILE=devnet (the default on chain 31337) uses seconds-long windows and epochs.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { paradigmModule, type GenesisModel } from "./modules/Paradigm.js";
import { DEVNET_PARAMETERS } from "./parameters.js";

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
} as const;

export const deploymentsDir = fileURLToPath(new URL("./deployments/", import.meta.url));

/** Deploys the whole protocol on `connection` and returns its address book. */
export async function deployParadigm(
  connection: NetworkConnection,
  options: { genesisModels?: readonly GenesisModel[]; parameters?: Record<string, unknown> } = {},
): Promise<AddressBook> {
  const publicClient = await connection.viem.getPublicClient();
  const deployBlock = Number(await publicClient.getBlockNumber()) + 1;
  const deployed = await connection.ignition.deploy(paradigmModule(options.genesisModels ?? []), {
    parameters: { Paradigm: (options.parameters ?? {}) as never },
    displayUi: false,
  });
  const contracts = Object.fromEntries(
    Object.entries(CONTRACT_NAMES).map(([key, name]) => [name, (deployed as Record<string, { address: `0x${string}` }>)[key].address]),
  );
  return { chainId: await publicClient.getChainId(), deployBlock, contracts };
}

export function writeAddressBook(book: AddressBook, dir = deploymentsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${book.chainId}.json`);
  writeFileSync(file, JSON.stringify(book, null, 2) + "\n");
  return file;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const connection = await network.create();
  const chainId = await (await connection.viem.getPublicClient()).getChainId();
  const devnet = (process.env.PARADIGM_PROFILE ?? (chainId === 31337 ? "devnet" : "production")) === "devnet";
  const book = await deployParadigm(connection, { parameters: devnet ? DEVNET_PARAMETERS : {} });
  const file = writeAddressBook(book);
  console.log(`Paradigm deployed on chain ${book.chainId} at block ${book.deployBlock} → ${path.relative(process.cwd(), file)}`);
  for (const [name, address] of Object.entries(book.contracts)) console.log(`  ${name.padEnd(18)} ${address}`);
}
