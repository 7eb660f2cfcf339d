/** The deployment address book written by the deploy script: deploy/deployments/<chainId>.json. */
import { existsSync } from "node:fs";
import path from "node:path";
import { getAddress, type Address } from "viem";
import { readJsonFile } from "../json-file.js";

export type AddressBook = {
  chainId: number;
  deployBlock: number;
  contracts: {
    ParadigmToken: Address;
    ModelRegistry: Address;
    KeeperRegistry: Address;
    TaskMarket: Address;
    TaskCourt?: Address;
    EmissionPool?: Address;
    ParadigmTimelock?: Address;
    ParadigmGovernor?: Address;
    GenesisGuardian?: Address;
    /** Benchmarks and canaries (docs/market.md, "Attestation"); absent: keepers need no benchmark. */
    Attestor?: Address;
    /** The second policy oracle (docs/policy-functions.md), where the deployment has one. */
    PolicyFunctionsOracle?: Address;
  };
};

const REQUIRED = ["ParadigmToken", "ModelRegistry", "KeeperRegistry", "TaskMarket"] as const;

/** Default location, relative to the repository root (or `PAR_DEPLOYMENTS`). */
export function addressBookPath(chainId: number, dir = process.env.PAR_DEPLOYMENTS ?? path.resolve("deploy/deployments")): string {
  return path.join(dir, `${chainId}.json`);
}

export function loadAddressBook(file: string): AddressBook {
  if (!existsSync(file)) {
    throw new Error(`address book ${file} not found; deploy first (npm run devnet) or pass --addresses <file>`);
  }
  const book = readJsonFile(file, "address book") as AddressBook;
  for (const name of REQUIRED) {
    if (!book.contracts?.[name]) throw new Error(`address book ${file}: contracts.${name} is missing`);
  }
  for (const [k, v] of Object.entries(book.contracts)) (book.contracts as Record<string, Address>)[k] = getAddress(v as string);
  return book;
}
