/**
 * Claim and run. A batch's run, claim and submit go on beside the loop, so that a task posted
 * meanwhile is claimed at the next tick (within its assignment window), not after this batch's
 * receipts.
 */
import { zeroAddress } from "viem";
import type { TaskState } from "../chain/taskbook.js";
import { InferenceCrashError, type PoolResult } from "../pool.js";
import { errMsg } from "../telemetry.js";
import { decodeBundle } from "../tensors.js";
import { inFlight } from "./background.js";
import { bundlesOf, compute, fetchInputOf, inputFailed, inputOf } from "./compute.js";
import type { KeeperContext } from "./context.js";
import { send } from "./send.js";
import { outputsOf, submitAll, submitted } from "./submit.js";
import { decline, isMine } from "./tasks.js";

/** Batches one keeper runs or claims at once, their bonds reserved until the claim is mined (a batch's submit no longer counts). */
const MAX_CLAIMS_IN_FLIGHT = 4;
/** Inference crashes a task may meet before it is declined (a task that keeps killing the worker). */
const MAX_CRASHES = 3;

/** Picks the tasks this keeper may claim (or resume) and starts a batch on them beside the loop. */
export async function claimAndRun(ctx: KeeperContext, now: number) {
  const { book, market, opts, served, log } = ctx;
  const { busy, declined, fetching, unanswered, lowStake } = ctx.tasks;
  if (ctx.claiming >= MAX_CLAIMS_IN_FLIGHT) return;
  const candidates: TaskState[] = [];
  for (const t of book.tasks.values()) {
    if (busy.has(t.id) || declined.has(t.id)) continue;
    if (opts.onlyTasks && !opts.onlyTasks(t.id)) continue;
    const mineClaimed = isMine(ctx, t);
    const lapsed = t.phase === "Claimed" && !mineClaimed && now > t.task.since + ctx.claimTimeout;
    if (!(t.phase === "Open" || lapsed || mineClaimed)) continue;
    if (now >= t.task.deadline) continue;
    const m = served.get(t.task.modelId);
    if (!m) continue;
    const input = inputOf(ctx, t);
    if (!input) {
      if (!fetching.has(t.id) && (unanswered.get(t.id)?.until ?? 0) <= Date.now()) fetchInputOf(ctx, t).catch((e: Error) => inputFailed(ctx, t, e));
      continue; // a later tick takes it once fetched
    }
    try {
      for (const b of bundlesOf(t, input)) decodeBundle(m.model.inputs, b, m.model.maxInputBytes);
    } catch (e) {
      decline(ctx, t, (e as Error).message);
      continue;
    }
    candidates.push(t);
    if (candidates.length >= ctx.batchMax) break;
  }
  if (candidates.length === 0) return;

  // exclusive window: only the drawn assignee may claim
  const claimable: TaskState[] = [];
  let freeStake = (await ctx.clients.contracts.keepers.read.freeStakeOf([ctx.me])) - ctx.bondInFlight;
  let reserved = 0n;
  for (const t of candidates) {
    if (isMine(ctx, t)) { claimable.push(t); continue; } // resume: already bonded
    // open, or another keeper's lapsed claim to take over: a new claim and bond
    if (now < t.task.postedAt + ctx.assignWindow) {
      const assignee = await market.read.assigneeOf([t.id, t.task]).catch(() => zeroAddress);
      if (assignee.toLowerCase() !== ctx.me.toLowerCase()) continue;
    }
    const bond = await market.read.bondFor([t.task.fee]);
    if (bond > freeStake) {
      if (!lowStake.has(t.id)) log("task.skipped", { id: t.id, reason: `bond ${bond} exceeds free stake ${freeStake}; stake more with \`par keeper stake\`` });
      lowStake.add(t.id);
      continue;
    }
    freeStake -= bond;
    reserved += bond;
    claimable.push(t);
  }
  if (claimable.length === 0) return;
  claimable.forEach((t) => busy.add(t.id));
  ctx.bondInFlight += reserved;
  ctx.claiming++;
  let pending = true;
  inFlight(
    ctx,
    runBatch(ctx, claimable, () => {
      if (!pending) return;
      pending = false;
      ctx.claiming--;
      ctx.bondInFlight -= reserved;
    }).catch((e) => log("batch.failed", { ids: claimable.map((t) => t.id).join(","), reason: errMsg(e) })),
  );
}

/**
 * Runs `claimable` (already marked busy), then claims those that ran and whose result it can
 * submit, with their results in the same transaction (`claimAndSubmit`); submits the results of
 * tasks it had claimed before (a restart); `claimed()` once the claims are mined or failed. A
 * task is claimed only after its run: one whose input makes the model fail, whose output has no
 * canonical form (NaN, an overflow), or whose result is too large to submit, is declined with no
 * bond at stake, so a requester cannot make the keeper claim a task it cannot answer and collect
 * its liveness penalty.
 */
async function runBatch(ctx: KeeperContext, claimable: TaskState[], claimed: () => void) {
  const { book } = ctx;
  try {
    const runs = await Promise.all(claimable.map((t) => resultOf(ctx, t)));
    const toClaim = claimable.filter((t, i) => !isMine(ctx, t) && runs[i] && submittable(ctx, t, runs[i]));
    if (toClaim.length) await claimAll(ctx, toClaim);
    claimed();
    await book.sync();
    // claimed earlier, by this process before a restart: their results still to submit
    const mine = claimable.flatMap((t) => book.tasks.get(t.id) ?? []).filter((t) => isMine(ctx, t) && ctx.tasks.results.has(t.id));
    if (mine.length) await submitAll(ctx, mine);
  } finally {
    claimed();
    claimable.forEach((t) => ctx.tasks.busy.delete(t.id));
  }
}

/** A task's result, computed once; undefined when its run failed (declined) or crashed (run again at a later tick). */
function resultOf(ctx: KeeperContext, t: TaskState): Promise<PoolResult | undefined> {
  const { results, crashes } = ctx.tasks;
  const known = results.get(t.id);
  if (known) return Promise.resolve(known);
  return compute(ctx, t).then(
    (r) => (results.set(t.id, r), r),
    (e) => {
      const n = (crashes.get(t.id) ?? 0) + 1;
      if (!(e instanceof InferenceCrashError)) decline(ctx, t, `inference failed: ${errMsg(e)}`);
      else if (n >= MAX_CRASHES) decline(ctx, t, `inference crashed ${n} times: ${errMsg(e)}`);
      else (crashes.set(t.id, n), ctx.log("task.retry", { id: t.id, reason: errMsg(e) }));
      return undefined;
    },
  );
}

/** Whether `r` fits one submit transaction; a task whose result does not is declined. */
function submittable(ctx: KeeperContext, t: TaskState, r: PoolResult): boolean {
  if (r.canonical.length <= ctx.maxSubmitBytes) return true;
  ctx.tasks.results.delete(t.id);
  decline(ctx, t, `result of ${r.canonical.length} bytes exceeds ${ctx.maxSubmitBytes}, the most this keeper submits inline`);
  return false;
}

/** Claims `ts` and submits their results in one transaction; returns the ids it claimed. */
async function claimAll(ctx: KeeperContext, ts: TaskState[]): Promise<bigint[]> {
  const { log, market } = ctx;
  const chosen = new Map(ts.map((t) => [t.id, claimState(t)])); // what the claim is sent against
  const outputs = outputsOf(ctx, ts);
  try {
    await send(ctx, "claim", () =>
      ts.length === 1
        ? market.write.claimAndSubmit([ts[0].id, ts[0].task, outputs[0]], ctx.tx)
        : market.write.claimAndSubmitBatch([ts.map((t) => t.id), ts.map((t) => t.task), outputs], ctx.tx),
    );
    ctx.metrics.inc("par_tasks_claimed_total", ts.length);
    log("task.claimed", { ids: ts.map((t) => t.id).join(","), n: ts.length });
    submitted(ctx, ts);
    return ts.map((t) => t.id);
  } catch (e) {
    // Usually another keeper claimed or settled some of them first: claim again those the
    // chain still has as they were sent, and one by one only if the chain shows no change.
    await ctx.book.sync();
    const left = ts.filter((t) => claimState(t) === chosen.get(t.id));
    if (left.length < ts.length) {
      log("claim.lost", { ids: ts.filter((t) => !left.includes(t)).map((t) => t.id).join(","), reason: "claimed or settled by someone else first" });
      return left.length ? claimAll(ctx, left) : [];
    }
    if (ts.length === 1) { log("claim.failed", { id: ts[0].id, reason: errMsg(e) }); return []; }
    log("claim.retry", { ids: ts.map((t) => t.id).join(","), reason: `${errMsg(e)}; the chain shows no change, claiming one by one` });
    const ok: bigint[] = [];
    for (const t of ts) ok.push(...(await claimAll(ctx, [t])));
    return ok;
  }
}

/** What a claim depends on: the phase, the claimant and since when. */
const claimState = (t: TaskState) => `${t.phase}|${t.task.keeper}|${t.task.since}`;
