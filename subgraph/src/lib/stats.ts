/** The per-epoch network metrics (keepers/src/network-metrics.ts defines them) as tasks, disputes and stake move. */
import { keeper } from "ponder:schema";
import { concentration, disputeRateBps } from "@paradigm/keepers/network-metrics";
import type { Context } from "./context.js";
import { upsertEpochStat } from "./rows.js";

/** Stake concentration after a stake change in `epoch`: over every pool's stake now. */
export async function updateConcentration(context: Context, epoch: bigint) {
  const stakes = (await context.db.sql.select({ stake: keeper.stake }).from(keeper)).map((r) => r.stake);
  const c = concentration(stakes);
  await upsertEpochStat(context, epoch, () => c);
}

/** One more dispute opened in `epoch`. */
export function countDispute(context: Context, epoch: bigint) {
  return upsertEpochStat(context, epoch, (row) => ({ disputes: row.disputes + 1, disputeRateBps: disputeRateBps(row.disputes + 1, row.tasks) }));
}

/** One more task finalized in `epoch`, by a keeper that is new to the epoch or not. */
export function countFinalized(
  context: Context,
  epoch: bigint,
  work: { inputs: number; computeUnits: bigint; fee: bigint; newKeeper: boolean },
) {
  return upsertEpochStat(context, epoch, (row) => ({
    tasks: row.tasks + 1,
    inputs: row.inputs + work.inputs,
    computeUnits: row.computeUnits + work.computeUnits,
    fees: row.fees + work.fee,
    activeKeepers: row.activeKeepers + (work.newKeeper ? 1 : 0),
    disputeRateBps: disputeRateBps(row.disputes, row.tasks + 1),
  }));
}
