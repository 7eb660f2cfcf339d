/** Finalizing tasks past their challenge window, and expiring those past their deadline. */
import { expireTasks, finalizeTasks } from "../chain/requester.js";
import type { TaskState } from "../chain/taskbook.js";
import { errMsg } from "../telemetry.js";
import { inFlight } from "./background.js";
import type { KeeperContext } from "./context.js";

export async function settle(ctx: KeeperContext, now: number) {
  const { busy, cooldown } = ctx.tasks;
  const due: TaskState[] = [];
  const expired: TaskState[] = [];
  for (const t of ctx.book.tasks.values()) {
    if (busy.has(t.id) || (cooldown.get(t.id) ?? 0) > Date.now()) continue;
    const mine = t.task.keeper.toLowerCase() === ctx.me.toLowerCase();
    if (t.phase === "Submitted" && now > t.task.since + ctx.challengeWindow + (mine ? 0 : ctx.finalizeGrace) && (mine || ctx.opts.finalizeOthers !== false)) due.push(t);
    if ((t.phase === "Open" || t.phase === "Claimed") && now > t.task.deadline && ctx.served.has(t.task.modelId)) expired.push(t);
  }
  // beside the loop, like claim batches: waiting for these receipts would hold back new claims
  for (const [list, what] of [[due, "finalize"], [expired, "expire"]] as const) {
    for (let i = 0; i < list.length; i += ctx.batchMax) {
      const batch = list.slice(i, i + ctx.batchMax);
      batch.forEach((t) => busy.add(t.id));
      inFlight(ctx, settleBatch(ctx, batch, what));
    }
  }
}

async function settleBatch(ctx: KeeperContext, batch: TaskState[], what: "finalize" | "expire") {
  const { log } = ctx;
  const phases = new Map(batch.map((t) => [t.id, t.phase])); // what the transaction is sent against
  try {
    if (what === "finalize") {
      await finalizeTasks(ctx.clients, batch);
      for (const t of batch) ctx.earnings.finalizers.add(t.task.keeper);
    } else await expireTasks(ctx.clients, batch);
    ctx.metrics.inc(what === "finalize" ? "par_tasks_finalized_total" : "par_tasks_expired_total", batch.length);
    log(`task.${what}d`, { ids: batch.map((t) => t.id).join(","), n: batch.length });
  } catch (e) {
    // usually another keeper or the requester settled some of them first: those are lost, the rest retried
    await ctx.book.sync().catch(() => undefined);
    const lost = batch.filter((t) => t.phase !== phases.get(t.id));
    const left = batch.filter((t) => !lost.includes(t));
    if (lost.length) log(`${what}.lost`, { ids: lost.map((t) => t.id).join(","), reason: "settled by someone else first" });
    left.forEach((t) => ctx.tasks.cooldown.set(t.id, Date.now() + 1_000));
    if (left.length && !lost.length) log(`${what}.failed`, { ids: left.map((t) => t.id).join(","), reason: errMsg(e) });
  } finally {
    batch.forEach((t) => ctx.tasks.busy.delete(t.id));
  }
}
