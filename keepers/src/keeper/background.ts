/** Work beside the loop: tracked so that `stop()` can wait for it. */
import { errMsg } from "../telemetry.js";
import type { KeeperContext } from "./context.js";

export function inFlight(ctx: KeeperContext, p: Promise<void>) {
  const done = () => void ctx.batches.delete(p);
  ctx.batches.add(p);
  p.then(done, done);
}

/** One pass of `kind` beside the loop, unless one is still running. */
export function beside(ctx: KeeperContext, kind: string, pass: () => Promise<void>) {
  if (ctx.running.has(kind)) return;
  ctx.running.add(kind);
  inFlight(ctx, pass().catch((e) => ctx.log(`${kind}.failed`, { reason: errMsg(e) })).finally(() => ctx.running.delete(kind)));
}
