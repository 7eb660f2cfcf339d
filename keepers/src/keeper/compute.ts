/**
 * A task's input and its run. Inputs published by URI: fetched once, beside the loop, and checked
 * against the task's inputHash.
 */
import { hexToBytes } from "viem";
import { CommittedFetchError, fetchCommitted } from "../cache.js";
import { resultHash } from "../canonical.js";
import { signatureOf } from "../chain/models.js";
import type { TaskState } from "../chain/taskbook.js";
import { decodeLot, encodeLot, lotBytes } from "../lot.js";
import type { PoolResult } from "../pool.js";
import type { KeeperContext } from "./context.js";
import { decline } from "./tasks.js";

/** Attempts to fetch an input by URI that does not answer before the task is declined (2 s, then 4 s apart). */
const INPUT_FETCH_TRIES = 3;

export function fetchInputOf(ctx: KeeperContext, t: TaskState): Promise<Uint8Array> {
  const { fetched, fetching } = ctx.tasks;
  let p = fetching.get(t.id);
  if (!p) {
    const most = lotBytes(ctx.served.get(t.task.modelId)!.model.maxInputBytes, t.items);
    p = fetchCommitted("input", t.inputURI, t.inputHash, most).then(
      (b) => (fetched.set(t.id, b), b),
      (e: Error) => {
        if (e instanceof CommittedFetchError && e.retryable) fetching.delete(t.id); // the next caller asks again
        throw e;
      },
    );
    fetching.set(t.id, p);
  }
  return p;
}

/** A URI that did not answer is tried again a few ticks later; wrong or too large bytes decline the task at once. */
export function inputFailed(ctx: KeeperContext, t: TaskState, e: Error) {
  const { unanswered } = ctx.tasks;
  const tries = (unanswered.get(t.id)?.tries ?? 0) + 1;
  if (!(e instanceof CommittedFetchError && e.retryable) || tries >= INPUT_FETCH_TRIES) return decline(ctx, t, e.message);
  unanswered.set(t.id, { tries, until: Date.now() + 2_000 * tries });
  ctx.log("input.retry", { id: t.id, tries, reason: e.message });
}

/** A task's input: inline, or fetched by URI (undefined until it is). */
export const inputOf = (ctx: KeeperContext, t: TaskState) => (t.input !== "0x" ? hexToBytes(t.input) : ctx.tasks.fetched.get(t.id));
/** A task's input bundles: one, or each item of a lot. */
export const bundlesOf = (t: TaskState, input: Uint8Array) => (t.items === 1 ? [input] : decodeLot(input, t.items));

/** Runs a task; a lot's items go to the pool together and their outputs are committed as one lot. */
export async function compute(ctx: KeeperContext, t: TaskState): Promise<PoolResult> {
  const m = ctx.served.get(t.task.modelId)!;
  const input = inputOf(ctx, t) ?? (await fetchInputOf(ctx, t));
  const rs = await Promise.all(bundlesOf(t, input).map((b) => ctx.pool.run(m.path, signatureOf(m.model), b)));
  rs.forEach((r) => ctx.metrics.observe("par_inference_ms", r.ms));
  if (t.items === 1) return rs[0];
  const canonical = encodeLot(rs.map((r) => r.canonical));
  return { canonical, resultHash: resultHash(canonical), provider: rs[0].provider, ms: rs.reduce((a, r) => a + r.ms, 0) };
}
