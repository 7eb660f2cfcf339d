/**
 * Parameters in force read from the chain (when the indexer is down it cannot give them): each
 * governed contract's parameter views, by the names `setParameter` takes.
 */
import { keeperRegistryAbi, taskMarketAbi } from "@paradigm/keepers/abi";
import type { Abi, Address, PublicClient } from "viem";

export const MARKET_PARAMS = ["assignWindow", "claimTimeout", "challengeWindow", "bondMultiplierBps", "challengeBond", "protocolFeeBps", "zeroFeeCreditBps", "zeroFeeLimit", "zeroFeePeriod", "livenessPenaltyBps", "maxCallbackGas", "backingBps"] as const;
export const REGISTRY_PARAMS = ["minStake", "unbondingPeriod", "maxCommissionBps", "commissionDelay", "rewardStreamPeriod"] as const;

export type ParamValue = { contract: string; name: string; value: bigint };

async function readAll(client: PublicClient, contract: string, address: Address, abi: Abi, names: readonly string[]): Promise<ParamValue[]> {
  return Promise.all(names.map(async (name) => ({ contract, name, value: BigInt((await client.readContract({ address, abi, functionName: name })) as bigint) })));
}

export async function paramsFromChain(client: PublicClient, market: Address, registry: Address): Promise<ParamValue[]> {
  return [...(await readAll(client, "TaskMarket", market, taskMarketAbi as Abi, MARKET_PARAMS)), ...(await readAll(client, "KeeperRegistry", registry, keeperRegistryAbi as Abi, REGISTRY_PARAMS))];
}
