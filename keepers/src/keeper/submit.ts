/** Submitting the results of claimed tasks, one transaction per batch. */
import { toHex } from "viem";
import type { TaskState } from "../chain/taskbook.js";
import type { KeeperContext } from "./context.js";
import { send } from "./send.js";

/** My computed results for `ts`, as submitted: passed through the `tamper` test hook if set. */
export const outputsOf = (ctx: KeeperContext, ts: TaskState[]) =>
  ts.map((t) => {
    const r = ctx.tasks.results.get(t.id)!;
    return toHex(ctx.opts.tamper ? ctx.opts.tamper(r.canonical) : r.canonical);
  });

/** Counts and logs the results of `ts` as submitted (by a submit, or with their claim). */
export function submitted(ctx: KeeperContext, ts: TaskState[]) {
  ctx.metrics.inc("par_tasks_submitted_total", ts.length);
  ctx.log("task.submitted", { ids: ts.map((t) => t.id).join(","), n: ts.length });
}

/** Submits my computed results for `ts` (claimed by me in an earlier transaction). */
export async function submitAll(ctx: KeeperContext, ts: TaskState[]) {
  const outputs = outputsOf(ctx, ts);
  await send(ctx, "submit", () => ctx.market.write.submitBatch([ts.map((t) => t.id), ts.map((t) => t.task), outputs], ctx.tx));
  submitted(ctx, ts);
}
