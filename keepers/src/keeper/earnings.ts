/** Collecting the keeper's emission earnings, once per epoch. */
import { collectEarnings, earningsFields } from "../chain/earnings.js";
import { errMsg } from "../telemetry.js";
import type { KeeperContext } from "./context.js";

// Runs beside the task loop, never in front of it: claims and submits keep their deadlines.
export function earnInBackground(ctx: KeeperContext) {
  ctx.earnings.pass ??= earn(ctx).finally(() => (ctx.earnings.pass = undefined));
}

async function earn(ctx: KeeperContext) {
  const pool = ctx.clients.contracts.pool;
  if (!pool) return;
  const s = ctx.earnings;
  try {
    const epoch = await pool.read.currentEpoch();
    if (epoch === s.epoch) return; // once per epoch is enough: work settles per epoch
    const step = await collectEarnings(ctx.clients, s.finalizers);
    if (!step.more) s.epoch = epoch;
    s.finalizers.clear();
    if (step.claimed > 0n) ctx.metrics.inc("par_emission_claimed_units_total", Number(step.claimed));
    if (step.flushed.length || step.closed.length || step.claimed > 0n) {
      ctx.log("earnings", earningsFields(step));
    }
  } catch (e) {
    ctx.log("earnings.failed", { reason: errMsg(e) });
  }
}
