/** What the devnet prints every few seconds, read from the chain alone. */
import type { Address, PublicClient } from "viem";
import { emissionPoolAbi, taskMarketAbi } from "../keepers/src/abi.js";
import type { AddressBook } from "../keepers/src/chain/addresses.js";

export type KeeperSummary = { tasks: number; earned: bigint };
/** The latest policy result: what the policy task proposed, and the multiplier the guardrails applied last. */
export type PolicySummary = { epoch: bigint; multiplierBps: number; minFeePerCU: bigint; accepted: boolean; appliedMultiplierBps?: number };
export type NetworkSummary = {
  epoch: bigint;
  posted: number;
  finalized: number;
  keepers: KeeperSummary[];
  policy?: PolicySummary;
  policyTasks: number;
};

/**
 * Tasks posted and finalized since the deployment, and per keeper: tasks finalized and PAR
 * earned (emission claimed plus the fees paid to its pool: at genesis fees are zero, so it is
 * the emission the keeper's verified work has brought it).
 */
export async function readNetwork(client: PublicClient, book: AddressBook, keepers: readonly Address[]): Promise<NetworkSummary> {
  const fromBlock = BigInt(book.deployBlock);
  const market = book.contracts.TaskMarket;
  const pool = book.contracts.EmissionPool!;
  const [posted, finalized, results, measured, claimed, closed, epoch] = await Promise.all([
    client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "TaskPosted", fromBlock }),
    client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "TaskFinalized", fromBlock }),
    client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "PolicyResult", fromBlock }),
    client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "EpochMeasured", fromBlock }),
    client.getContractEvents({ address: pool, abi: emissionPoolAbi, eventName: "Claimed", fromBlock }),
    client.getContractEvents({ address: pool, abi: emissionPoolAbi, eventName: "EpochClosed", fromBlock }),
    client.readContract({ address: pool, abi: emissionPoolAbi, functionName: "currentEpoch" }),
  ]);
  const summaries = keepers.map((keeper): KeeperSummary => {
    const mine = finalized.filter((e) => e.args.keeper === keeper);
    const fees = mine.reduce((sum, e) => sum + (e.args.keeperAmount ?? 0n), 0n);
    const emission = claimed.filter((e) => e.args.contributor === keeper).reduce((sum, e) => sum + (e.args.amount ?? 0n), 0n);
    return { tasks: mine.length, earned: fees + emission };
  });
  const last = results.at(-1)?.args;
  const policy = last && {
    epoch: last.epoch!, multiplierBps: last.multiplierBps!, minFeePerCU: last.minFeePerCU!, accepted: last.accepted!,
    appliedMultiplierBps: closed.at(-1)?.args.multiplierBps,
  };
  const policyTasks = measured.filter((e) => e.args.policyTask !== 0n).length;
  return { epoch, posted: posted.length, finalized: finalized.length, keepers: summaries, policy, policyTasks };
}
