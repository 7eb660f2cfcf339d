/**
 * The emission policy as the chain has it now (docs/policy.md): the multiplier the guardrails
 * applied to the last closed epoch, the fee floor in force, and the latest policy task's result
 * beside it. `par keeper status` shows it.
 */
import { formatUnits } from "viem";
import type { ParadigmClients } from "./client.js";

/** How far back `policyStatus` looks for the latest policy result. */
const LOOKBACK_BLOCKS = 50_000n;

export type PolicyStatus = {
  appliedMultiplierBps: number;
  minFeePerCU: string;
  lastProposal: { task: string; forEpoch: string; multiplierBps: number; minFeePerCU: string; accepted: boolean } | null;
};

export async function policyStatus(c: ParadigmClients): Promise<PolicyStatus | null> {
  const pool = c.contracts.pool;
  if (!pool) return null;
  const [applied, minFee, head] = await Promise.all([pool.read.lastMultiplierBps(), pool.read.minFeePerCU(), c.publicClient.getBlockNumber()]);
  const fromBlock = head > LOOKBACK_BLOCKS ? head - LOOKBACK_BLOCKS : 0n;
  const results = await c.contracts.market.getEvents.PolicyResult({}, { fromBlock });
  const last = results.at(-1)?.args;
  return {
    appliedMultiplierBps: applied,
    minFeePerCU: formatUnits(minFee, 8),
    lastProposal: last
      ? {
          task: String(last.id),
          forEpoch: String(last.epoch),
          multiplierBps: last.multiplierBps!,
          minFeePerCU: formatUnits(last.minFeePerCU!, 8),
          accepted: last.accepted!,
        }
      : null,
  };
}
