/** Submitting the results of claimed tasks, one transaction per batch. */
import { toHex } from "viem";
import type { TaskState } from "../chain/taskbook.js";
import type { KeeperContext } from "./context.js";
import { send } from "./send.js";

/** Submits my computed results for `ts` (claimed by me), passed through the `tamper` test hook if set. */
export async function submitAll(ctx: KeeperContext, ts: TaskState[]) {
  const { opts } = ctx;
  const outputs = ts.map((t) => {
    const r = ctx.tasks.results.get(t.id)!;
    return toHex(opts.tamper ? opts.tamper(r.canonical) : r.canonical);
  });
  await send(ctx, "submit", () => ctx.market.write.submitBatch([ts.map((t) => t.id), ts.map((t) => t.task), outputs], ctx.tx));
  ctx.metrics.inc("par_tasks_submitted_total", ts.length);
  ctx.log("task.submitted", { ids: ts.map((t) => t.id).join(","), n: ts.length });
}
