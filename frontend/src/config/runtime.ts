/**
 * The runtime configuration: `paradigm.json`, served next to index.html. The build carries no
 * address; the server that hosts the page (frontend/serve.ts, the devnet) writes this file from
 * the deployment's address book.
 */
import { getAddress, type Address } from "viem";

export type ContractName =
  | "ParadigmToken" | "ModelRegistry" | "KeeperRegistry" | "TaskMarket" | "TaskCourt"
  | "EmissionPool" | "ParadigmTimelock" | "ParadigmGovernor" | "GenesisGuardian";

export type ParadigmConfig = {
  chainId: number;
  chainName: string;
  rpcUrl: string;
  /** The Ponder indexer's base URL (GraphQL at `<indexerUrl>/graphql`); empty: no indexer. */
  indexerUrl: string;
  /** First block of the deployment: event scans start there. */
  deployBlock?: number;
  contracts: Partial<Record<ContractName, Address>> & Record<"ParadigmToken" | "ModelRegistry" | "KeeperRegistry" | "TaskMarket", Address>;
};

const REQUIRED = ["ParadigmToken", "ModelRegistry", "KeeperRegistry", "TaskMarket"] as const;

/** Checks a parsed paradigm.json; throws a sentence naming the first thing wrong. */
export function parseConfig(raw: unknown): ParadigmConfig {
  const c = raw as ParadigmConfig;
  if (!c || typeof c !== "object") throw new Error("paradigm.json is not a JSON object");
  if (!Number.isInteger(c.chainId)) throw new Error("paradigm.json: chainId is missing");
  if (typeof c.rpcUrl !== "string" || !c.rpcUrl) throw new Error("paradigm.json: rpcUrl is missing");
  for (const name of REQUIRED) if (!c.contracts?.[name]) throw new Error(`paradigm.json: contracts.${name} is missing`);
  const contracts = Object.fromEntries(Object.entries(c.contracts).filter(([, a]) => a).map(([k, a]) => [k, getAddress(a as string)]));
  return { ...c, chainName: c.chainName || `Chain ${c.chainId}`, indexerUrl: (c.indexerUrl ?? "").replace(/\/$/, ""), contracts: contracts as ParadigmConfig["contracts"] };
}

/** Fetches and checks `paradigm.json` from next to the page. */
export async function loadConfig(url = "./paradigm.json"): Promise<ParadigmConfig> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store" });
  } catch (e) {
    throw new Error(`cannot fetch ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new Error(`${url} answered HTTP ${res.status}; the server must serve the deployment's paradigm.json next to index.html`);
  return parseConfig(await res.json());
}
