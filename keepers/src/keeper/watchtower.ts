/** The watchtower: re-runs a sample of others' submitted results and challenges wrong ones. */
import { toHex } from "viem";
import { challengeCommitment } from "../chain/challenge.js";
import type { ModelRecord } from "../chain/models.js";
import { resultBytes } from "../chain/requester.js";
import type { TaskState } from "../chain/taskbook.js";
import { lotBytes, resultsAgree } from "../lot.js";
import { InferenceCrashError } from "../pool.js";
import { errMsg } from "../telemetry.js";
import { compute } from "./compute.js";
import type { KeeperContext } from "./context.js";
import { send } from "./send.js";

export async function watch(ctx: KeeperContext, now: number) { // `now`: latest block time, so "still open" is never overestimated
  const { checked, busy, results } = ctx.tasks;
  const { log, metrics, market, me } = ctx;
  const jobs: Promise<void>[] = [];
  for (const t of ctx.book.tasks.values()) {
    if (t.phase !== "Submitted" || checked.has(t.id) || busy.has(t.id)) continue;
    if (t.task.keeper.toLowerCase() === me.toLowerCase() || !ctx.served.has(t.task.modelId)) continue;
    if (now >= t.task.since + ctx.challengeWindow) continue;
    checked.add(t.id);
    if (Math.random() >= ctx.sampleRate) continue;
    busy.add(t.id);
    jobs.push((async () => {
      try {
        const m = ctx.served.get(t.task.modelId)!.model;
        let why = "";
        const r = await compute(ctx, t).catch((e) => {
          if (e instanceof InferenceCrashError) checked.delete(t.id); // not the task's fault: sample it again
          why = errMsg(e);
          return undefined;
        });
        metrics.inc("par_checks_total");
        if (!r) return log("watch.skip", { id: t.id, reason: `cannot compute this task: ${why}` });
        results.set(t.id, r);
        // a result given by URI that cannot be fetched, or does not hash to its commitment, cannot stand either
        const posted = await postedBytes(t, m).catch((e: Error) => void log("watch.unverifiable", { id: t.id, reason: e.message }));
        if (posted ? resultsAgree(t.items, posted, r.canonical, m.tolerance) : r.resultHash === t.task.resultHash) return; // the same hash as mine: right, if unavailable
        if (posted) log("watch.mismatch", { id: t.id, keeper: t.task.keeper, posted: t.task.resultHash, mine: r.resultHash });
        const bond = BigInt(Math.max(Number(t.task.bond), ctx.challengeBond));
        const free = await ctx.clients.contracts.keepers.read.freeStakeOf([me]);
        if (free < bond) return log("challenge.skipped", { id: t.id, reason: `bond ${bond} exceeds free stake ${free}` });
        // committed in an earlier block first, so that a copycat cannot take the challenge
        await send(ctx, "commitChallenge", () => market.write.commitChallenge([t.id, challengeCommitment(t.id, r.resultHash, me)], ctx.tx));
        await send(ctx, "challenge", () => market.write.challenge([t.id, t.task, r.resultHash, toHex(r.canonical), ""], ctx.tx));
        metrics.inc("par_challenges_total");
        log("task.challenged", { id: t.id, keeper: t.task.keeper });
      } catch (e) {
        log("challenge.failed", { id: t.id, reason: errMsg(e) });
      } finally {
        busy.delete(t.id);
      }
    })());
  }
  await Promise.all(jobs);
}

/** The submitter's result bytes: inline, or fetched from its URI and checked against its hash. */
const postedBytes = (t: TaskState, m: ModelRecord) =>
  resultBytes({ output: t.output, uri: t.outputUri, resultHash: t.task.resultHash }, lotBytes(m.maxOutputBytes, t.items));
