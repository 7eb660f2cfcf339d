/**
 * Upserts of the tables that accumulate: a row starts at zero the first time it is touched, then
 * `patch` (old row → changed columns) applies. One write either way.
 */
import { account, epochStat, keeperEpoch } from "ponder:schema";
import type { Context } from "./context.js";

type Row<T extends { $inferSelect: unknown }> = T["$inferSelect"];

const ZERO_ACCOUNT = { balance: 0n, votes: 0n, delegate: null, deposited: 0n, depositWithdrawn: 0n, tasksPosted: 0, feesPaid: 0n };
const ZERO_EPOCH_STAT = {
  tasksPosted: 0,
  tasks: 0,
  inputs: 0,
  computeUnits: 0n,
  fees: 0n,
  activeKeepers: 0,
  distinctRequesters: 0,
  disputes: 0,
  disputeRateBps: 0,
  largestPoolBps: 0,
  herfindahlBps: 0,
  totalStake: 0n,
};
const ZERO_KEEPER_EPOCH = { tasks: 0, inputs: 0, computeUnits: 0n, fees: 0n, credit: 0n, lapsed: 0, disputesWon: 0, disputesLost: 0 };

export function upsertAccount(context: Context, id: `0x${string}`, patch: (row: Row<typeof account>) => Partial<Row<typeof account>>) {
  const fresh = { id, ...ZERO_ACCOUNT };
  return context.db.insert(account).values({ ...fresh, ...patch(fresh) }).onConflictDoUpdate(patch);
}

export function upsertEpochStat(context: Context, id: bigint, patch: (row: Row<typeof epochStat>) => Partial<Row<typeof epochStat>>) {
  const fresh = { id, ...ZERO_EPOCH_STAT };
  return context.db.insert(epochStat).values({ ...fresh, ...patch(fresh) }).onConflictDoUpdate(patch);
}

export function upsertKeeperEpoch(
  context: Context,
  epoch: bigint,
  keeper: `0x${string}`,
  patch: (row: Row<typeof keeperEpoch>) => Partial<Row<typeof keeperEpoch>>,
) {
  const fresh = { epoch, keeper, ...ZERO_KEEPER_EPOCH };
  return context.db.insert(keeperEpoch).values({ ...fresh, ...patch(fresh) }).onConflictDoUpdate(patch);
}
