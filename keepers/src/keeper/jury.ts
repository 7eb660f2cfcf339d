/**
 * Court duty: joining a dispute as the rival when both sides are wrong, drawing juries, voting
 * (commit, then reveal), resolving disputes, and closing escalated ones the arbiter left undecided.
 */
import { concat, keccak256, toHex, zeroAddress } from "viem";
import { CommittedFetchError } from "../cache.js";
import { challengeCommitment } from "../chain/challenge.js";
import type { ModelRecord } from "../chain/models.js";
import { resultBytes } from "../chain/requester.js";
import type { TaskState } from "../chain/taskbook.js";
import { leadingVote, Outcome, sidesOf, turnDelay, turnOrder, type Side } from "../chain/turns.js";
import { lotBytes, resultsAgree } from "../lot.js";
import { InferenceCrashError, type PoolResult } from "../pool.js";
import { errMsg } from "../telemetry.js";
import { compute } from "./compute.js";
import type { KeeperContext } from "./context.js";
import { send } from "./send.js";

const salt = (ctx: KeeperContext, id: bigint, round: number) =>
  keccak256(concat([ctx.opts.saltSecret, toHex(id, { size: 32 }), toHex(round, { size: 1 })]));

/** The first side, in the court's order, whose output agrees with my own run; else Neither. */
async function voteFor(ctx: KeeperContext, t: TaskState): Promise<Outcome> {
  const m = ctx.served.get(t.task.modelId);
  if (!m) return Outcome.Neither;
  const r = await mine(ctx, t);
  if (!r) return Outcome.Neither; // cannot compute: the task's input is invalid, so no result stands
  for (const side of sidesOf(t)) if (await agrees(t, m.model, side, r)) return side.vote;
  return Outcome.Neither;
}

/** My own result for `t` (computed once); undefined when its input cannot be run. */
async function mine(ctx: KeeperContext, t: TaskState): Promise<PoolResult | undefined> {
  const { results } = ctx.tasks;
  const r = results.get(t.id) ?? (await compute(ctx, t).catch((e) => {
    // not the task's fault (a dead thread, a URI that did not answer): no vote yet, jury() retries after its cooldown
    if (e instanceof InferenceCrashError || (e instanceof CommittedFetchError && e.retryable)) throw e;
    return undefined;
  }));
  if (r) results.set(t.id, r);
  return r;
}

/** Whether a side's posted output (inline, or fetched by URI and hash-checked) lies within tolerance of mine. */
async function agrees(t: TaskState, m: ModelRecord, side: Side, r: PoolResult): Promise<boolean> {
  const posted = await resultBytes(side, lotBytes(m.maxOutputBytes, t.items)).catch(() => new Uint8Array());
  return resultsAgree(t.items, posted, r.canonical, m.tolerance);
}

/**
 * A challenged task whose two results both disagree with mine (a griefing challenge on a lie):
 * join its dispute as the rival with my result, so that the right output can still win.
 */
export async function rivalWatch(ctx: KeeperContext, now: number) {
  const court = ctx.court;
  if (!court) return;
  const { busy, rivalChecked, cooldown } = ctx.tasks;
  const { me, log } = ctx;
  const meL = me.toLowerCase();
  for (const t of ctx.book.tasks.values()) {
    if (t.phase !== "Challenged" || t.rival || !t.challenge || busy.has(t.id) || !ctx.served.has(t.task.modelId)) continue;
    if (rivalChecked.has(t.id) || (t.dispute?.jurors.length ?? 0) > 0 || (cooldown.get(t.id) ?? 0) > Date.now()) continue;
    if (sidesOf(t).some((s) => s.keeper.toLowerCase() === meL)) continue;
    busy.add(t.id);
    try {
      if (now >= (await windowEndOf(ctx, t))) continue;
      const m = ctx.served.get(t.task.modelId)!.model;
      const r = await mine(ctx, t);
      if (!r) continue;
      const [submitter, challenger] = sidesOf(t);
      if ((await agrees(t, m, submitter, r)) || (await agrees(t, m, challenger, r))) {
        rivalChecked.add(t.id); // one side is right: nothing to add
        continue;
      }
      const bond = t.task.bond > BigInt(ctx.challengeBond) ? t.task.bond : BigInt(ctx.challengeBond);
      const free = await ctx.clients.contracts.keepers.read.freeStakeOf([me]);
      if (free < bond) {
        rivalChecked.add(t.id);
        log("rival.skipped", { id: t.id, reason: `bond ${bond} exceeds free stake ${free}` });
        continue;
      }
      await send(ctx, "commitRival", () => court.write.commitRival([t.id, challengeCommitment(t.id, r.resultHash, me)], ctx.tx));
      await send(ctx, "joinAsRival", () => court.write.joinAsRival([t.id, r.resultHash, toHex(r.canonical), ""], ctx.tx));
      ctx.metrics.inc("par_rivals_total");
      log("dispute.rival", { id: t.id, submitter: t.task.keeper, challenger: t.challenge.challenger });
    } catch (e) {
      cooldown.set(t.id, Date.now() + 3_000);
      log("rival.failed", { id: t.id, reason: errMsg(e) });
    } finally {
      busy.delete(t.id);
    }
  }
}

/** Until when a rival may join `t`'s dispute (challengeWindow after the challenge): the jury is drawn after. */
async function windowEndOf(ctx: KeeperContext, t: TaskState): Promise<number> {
  const { windowEnds } = ctx.tasks;
  let end = windowEnds.get(t.id);
  if (end === undefined) {
    end = Number((await ctx.court!.read.disputeOf([t.id])).windowEnd);
    windowEnds.set(t.id, end);
  }
  return end;
}

/** Whether it is my turn for a court action on `t` that became possible now (or earlier). */
function myTurn(ctx: KeeperContext, t: TaskState, leading?: number): boolean {
  const { possibleSince } = ctx.tasks;
  const delay = turnDelay(turnOrder(t, leading), ctx.me);
  if (delay === undefined) return false;
  const since = possibleSince.get(t.id) ?? Date.now();
  possibleSince.set(t.id, since);
  return Date.now() >= since + delay * 1000;
}

export async function jury(ctx: KeeperContext, headTime: number, now: number) {
  const court = ctx.court;
  if (!court) return;
  const { busy, cooldown, windowEnds, possibleSince } = ctx.tasks;
  const { me, log, metrics, tx } = ctx;
  const block = ctx.book.head;
  const actions: Promise<void>[] = []; // one per dispute, sent side by side: a burst of disputes costs a block, not one each
  for (const t of ctx.book.tasks.values()) {
    const d = t.dispute;
    if (t.phase !== "Challenged" || !d || busy.has(t.id) || d.outcome !== undefined) continue;
    if ((cooldown.get(t.id) ?? 0) > Date.now()) continue;
    const meL = me.toLowerCase();
    const juror = d.jurors.some((j) => j.toLowerCase() === meL);
    const drawable = d.jurors.length === 0 && !d.toArbiter && block > d.seedBlock && headTime >= (windowEnds.get(t.id) ?? Infinity);
    if (!windowEnds.has(t.id)) void windowEndOf(ctx, t).catch(() => undefined); // known by the next tick
    const resolvable = !d.toArbiter && d.jurors.length > 0 && (now > d.revealEnd || d.revealed.size === d.jurors.length);
    if (!drawable && !resolvable && !d.toArbiter) possibleSince.delete(t.id);
    busy.add(t.id);
    actions.push((async () => {
      try {
        if (d.toArbiter) {
          await closeIfUnarbitrated(ctx, t, now);
        } else if (drawable && myTurn(ctx, t)) {
          await send(ctx, "drawJury", () => court.write.drawJury([t.id], tx));
          log("jury.drawn", { id: t.id });
        } else if (juror && !d.committed.has(meL) && headTime < d.commitEnd) {
          const vote = await voteFor(ctx, t);
          const commitment = await court.read.voteCommitment([t.id, d.round, vote, salt(ctx, t.id, d.round), me]);
          await send(ctx, "commitVote", () => court.write.commitVote([t.id, commitment], tx));
          metrics.inc("par_votes_committed_total");
          log("vote.committed", { id: t.id, round: d.round });
        } else if (juror && d.committed.has(meL) && !d.revealed.has(meL) && now > d.commitEnd && headTime < d.revealEnd) {
          const vote = await voteFor(ctx, t);
          await send(ctx, "revealVote", () => court.write.revealVote([t.id, vote, salt(ctx, t.id, d.round)], tx));
          metrics.inc("par_votes_revealed_total");
          log("vote.revealed", { id: t.id, round: d.round, vote });
        } else if (resolvable && myTurn(ctx, t, leadingVote(d.revealed))) {
          const win = sidesOf(t).find((s) => s.vote === leadingVote(d.revealed))?.output;
          const output = t.task.callback !== zeroAddress && win ? win : "0x";
          possibleSince.delete(t.id); // a next round's draw gets its own turns
          await send(ctx, "resolve", () => court.write.resolve([t.id, t.task, output], tx));
          log("dispute.resolved", { id: t.id });
        }
      } catch (e) {
        cooldown.set(t.id, Date.now() + 3_000); // a failed court action waits before it is retried
        log("jury.failed", { id: t.id, reason: errMsg(e) });
      } finally {
        busy.delete(t.id);
      }
    })());
  }
  await Promise.all(actions);
}

/** An escalated dispute that the arbiter left undecided past its deadline: closed, in turn, by a party or juror. */
async function closeIfUnarbitrated(ctx: KeeperContext, t: TaskState, now: number) {
  const { arbitrationEnds } = ctx.tasks;
  let end = arbitrationEnds.get(t.id);
  if (end === undefined) {
    end = Number((await ctx.court!.read.disputeOf([t.id])).arbitrationEnd);
    arbitrationEnds.set(t.id, end);
  }
  if (now <= end || !myTurn(ctx, t)) return;
  await send(ctx, "closeEscalated", () => ctx.court!.write.closeEscalated([t.id, t.task], ctx.tx));
  ctx.log("dispute.closed", { id: t.id, reason: "the arbiter did not decide in time" });
}
