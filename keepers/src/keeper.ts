/**
 * The keeper node (`par keeper run`): watches the market, runs tasks for the models it serves in
 * the worker pool, claims those it can answer and submits their results in batches, finalizes
 * tasks after their window, samples others' results as a watchtower and challenges wrong ones,
 * and serves on juries.
 *
 * All state is rebuilt from chain events (TaskBook), so a keeper killed at any point resumes
 * where the chain says it is. Juror salts are derived from the key (not stored), so a restarted
 * juror can still reveal. Nothing a requester sends can crash it: a bad task is declined with a
 * logged reason.
 */
import { concat, hexToBytes, keccak256, toHex, type Address, type Hex } from "viem";
import { createBenchmarkTaker } from "./attestation/benchmark.js";
import { resultHash } from "./canonical.js";
import type { ParadigmClients } from "./chain/client.js";
import { collectEarnings, earningsFields } from "./chain/earnings.js";
import { signatureOf, type ModelRecord } from "./chain/models.js";
import { expireTasks, FINALIZE_GRACE, finalizeTasks, resultBytes } from "./chain/requester.js";
import { createTaskBook, type TaskState } from "./chain/taskbook.js";
import { challengeCommitment } from "./chain/challenge.js";
import { leadingVote, sidesOf, turnDelay, turnOrder, VOTE, type Side } from "./chain/turns.js";
import type { Provider } from "./inference.js";
import { CommittedFetchError, fetchCommitted } from "./cache.js";
import { decodeLot, encodeLot, lotBytes, resultsAgree } from "./lot.js";
import { createPool, InferenceCrashError, type InferencePool, type PoolResult } from "./pool.js";
import { servedModels } from "./served.js";
import { createMetrics, createLogger, errMsg, type Logger, type Metrics } from "./telemetry.js";
import { decodeBundle } from "./tensors.js";

export type KeeperOptions = {
  clients: ParadigmClients;
  cacheDir: string;
  /** Secret from which juror salts are derived (e.g. keccak256 of the private key). */
  saltSecret: Hex;
  poolSize?: number;
  provider?: Provider;
  pollMs?: number;
  /** Most tasks per claim/submit/finalize transaction. */
  batchMax?: number;
  /**
   * Largest result this keeper submits inline (default 256 KiB: ~6M gas of calldata and log). A
   * task is run before it is claimed, and declined if its result is larger: a task it could not
   * submit would cost it the liveness penalty.
   */
  maxSubmitBytes?: number;
  /** Fraction of others' results (of models it serves) the watchtower re-runs, 0..1. */
  sampleRate?: number;
  /** Finalize tasks submitted by other keepers too (default true). */
  finalizeOthers?: boolean;
  /** Seconds after a challenge window closes before this keeper finalizes another keeper's task (default `FINALIZE_GRACE`). */
  finalizeGrace?: number;
  log?: Logger;
  metrics?: Metrics;
  /** Test hook: alters this keeper's canonical outputs before it submits them (a lying keeper). */
  tamper?: (canonical: Uint8Array) => Uint8Array;
  /** Seconds this keeper declares it needs to answer a benchmark (attestation; default DECLARED_SECONDS). */
  benchmarkSeconds?: number;
  /** Test hook: only claim these task ids when set (to steer tasks to one keeper in tests). */
  onlyTasks?: (id: bigint) => boolean;
};

export type Keeper = { stop(): Promise<void>; metrics: Metrics; done: Promise<void> };

const ZERO = "0x0000000000000000000000000000000000000000";
/** Batches one keeper runs or claims at once, their bonds reserved until the claim is mined (a batch's submit no longer counts). */
const MAX_CLAIMS_IN_FLIGHT = 4;
/** Attempts to fetch an input by URI that does not answer before the task is declined (2 s, then 4 s apart). */
const INPUT_FETCH_TRIES = 3;
/** Inference crashes a task may meet before it is declined (a task that keeps killing the worker). */
const MAX_CRASHES = 3;
/** How long `stop()` waits for transactions in flight to be mined. */
const STOP_WAIT_MS = 15_000;
const hex = (b: Uint8Array) => toHex(b);
const bytes = (h: Hex) => hexToBytes(h);

export async function startKeeper(opts: KeeperOptions): Promise<Keeper> {
  const c = opts.clients;
  const me = c.account?.address;
  if (!me || !c.walletClient) throw new Error("the keeper needs a key: pass --keystore (create one with `par keeper init`)");
  const log = opts.log ?? createLogger();
  const metrics = opts.metrics ?? createMetrics();
  const tx = { account: c.walletClient.account, chain: c.walletClient.chain };
  const batchMax = opts.batchMax ?? 32;
  const maxSubmitBytes = opts.maxSubmitBytes ?? 256 * 1024;
  const sampleRate = opts.sampleRate ?? 1;
  const finalizeGrace = opts.finalizeGrace ?? FINALIZE_GRACE;
  const pool: InferencePool = createPool({ size: opts.poolSize, provider: opts.provider, onLog: (m) => log("inference", { msg: m }) });
  const book = createTaskBook(c, { dropClosed: true });
  const market = c.contracts.market;
  const court = c.contracts.court;

  const models = servedModels(c, me, opts.cacheDir, pool, log);
  await models.load();
  const served = models.served;
  const [assignWindow, claimTimeout, challengeWindow, challengeBond] = await Promise.all([
    market.read.assignWindow(), market.read.claimTimeout(), market.read.challengeWindow(), market.read.challengeBond(),
  ]).then((v) => v.map(Number));
  log("keeper.start", { keeper: me, models: [...served.keys()].join(","), workers: pool.size, from: book.head + 1n });

  const declined = new Map<bigint, string>();
  const lowStake = new Set<bigint>(); // skipped for lack of free stake (logged once, retried)
  const busy = new Set<bigint>(); // ids with an action in flight
  const checked = new Set<bigint>(); // watchtower: already sampled
  const results = new Map<bigint, PoolResult>(); // my own computed results, by task id
  const cooldown = new Map<bigint, number>(); // task id → wall time before which a failed action is not retried
  const possibleSince = new Map<bigint, number>(); // task id → wall time a court action (draw, resolve, close) became possible: turns count from it
  const arbitrationEnds = new Map<bigint, number>(); // escalated disputes: when anyone may close them
  const windowEnds = new Map<bigint, number>(); // disputes: until when a rival may join (the jury is drawn after)
  const rivalChecked = new Set<bigint>(); // challenged tasks where one side agrees with me, or I cannot bond a rival
  const crashes = new Map<bigint, number>(); // task id → inference crashes met (the task is run again)
  let skew = 0; // chain time − wall time, from the newest block seen
  let lastBlock = -1n;

  const decline = (t: TaskState, reason: string) => {
    if (declined.has(t.id)) return;
    declined.set(t.id, reason);
    metrics.inc("par_tasks_declined_total");
    log("task.declined", { id: t.id, model: t.task.modelId, reason });
  };
  const chainNow = () => Math.floor(Date.now() / 1000 + skew);

  // Inputs published by URI: fetched once, beside the loop, and checked against the task's inputHash.
  const fetched = new Map<bigint, Uint8Array>();
  const fetching = new Map<bigint, Promise<Uint8Array>>();
  const unanswered = new Map<bigint, { tries: number; until: number }>(); // inputs whose URI did not answer yet
  function fetchInputOf(t: TaskState): Promise<Uint8Array> {
    let p = fetching.get(t.id);
    if (!p) {
      const most = lotBytes(served.get(t.task.modelId)!.model.maxInputBytes, t.items);
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
  function inputFailed(t: TaskState, e: Error) {
    const tries = (unanswered.get(t.id)?.tries ?? 0) + 1;
    if (!(e instanceof CommittedFetchError && e.retryable) || tries >= INPUT_FETCH_TRIES) return decline(t, e.message);
    unanswered.set(t.id, { tries, until: Date.now() + 2_000 * tries });
    log("input.retry", { id: t.id, tries, reason: e.message });
  }
  /** A task's input: inline, or fetched by URI (undefined until it is). */
  const inputOf = (t: TaskState) => (t.input !== "0x" ? bytes(t.input) : fetched.get(t.id));
  /** A task's input bundles: one, or each item of a lot. */
  const bundlesOf = (t: TaskState, input: Uint8Array) => (t.items === 1 ? [input] : decodeLot(input, t.items));

  /** Runs a task; a lot's items go to the pool together and their outputs are committed as one lot. */
  async function compute(t: TaskState): Promise<PoolResult> {
    const m = served.get(t.task.modelId)!;
    const input = inputOf(t) ?? (await fetchInputOf(t));
    const rs = await Promise.all(bundlesOf(t, input).map((b) => pool.run(m.path, signatureOf(m.model), b)));
    rs.forEach((r) => metrics.observe("par_inference_ms", r.ms));
    if (t.items === 1) return rs[0];
    const canonical = encodeLot(rs.map((r) => r.canonical));
    return { canonical, resultHash: resultHash(canonical), provider: rs[0].provider, ms: rs.reduce((a, r) => a + r.ms, 0) };
  }

  // ------------------------------------------------------------ run + claim + submit
  // A batch's run, claim and submit go on beside the loop, so that a task posted meanwhile is
  // claimed at the next tick (within its assignment window), not after this batch's receipts.
  const batches = new Set<Promise<void>>(); // run/claim/submit and finalize/expire work beside the loop
  const inFlight = (p: Promise<void>) => {
    const done = () => void batches.delete(p);
    batches.add(p);
    p.then(done, done);
  };
  /** A task this keeper holds the claim (and bond) of. */
  const isMine = (t: TaskState) => t.phase === "Claimed" && t.task.keeper.toLowerCase() === me!.toLowerCase();
  let claiming = 0; // batches running or whose claims are not mined yet
  let bondInFlight = 0n; // their bonds: the chain's free stake still counts them

  async function work(now: number) {
    if (claiming >= MAX_CLAIMS_IN_FLIGHT) return;
    const candidates: TaskState[] = [];
    for (const t of book.tasks.values()) {
      if (busy.has(t.id) || declined.has(t.id)) continue;
      if (opts.onlyTasks && !opts.onlyTasks(t.id)) continue;
      const mineClaimed = isMine(t);
      const lapsed = t.phase === "Claimed" && !mineClaimed && now > t.task.since + claimTimeout;
      if (!(t.phase === "Open" || lapsed || mineClaimed)) continue;
      if (now >= t.task.deadline) continue;
      const m = served.get(t.task.modelId);
      if (!m) continue;
      const input = inputOf(t);
      if (!input) {
        if (!fetching.has(t.id) && (unanswered.get(t.id)?.until ?? 0) <= Date.now()) fetchInputOf(t).catch((e: Error) => inputFailed(t, e));
        continue; // a later tick takes it once fetched
      }
      try {
        for (const b of bundlesOf(t, input)) decodeBundle(m.model.inputs, b, m.model.maxInputBytes);
      } catch (e) {
        decline(t, (e as Error).message);
        continue;
      }
      candidates.push(t);
      if (candidates.length >= batchMax) break;
    }
    if (candidates.length === 0) return;

    // exclusive window: only the drawn assignee may claim
    const claimable: TaskState[] = [];
    let freeStake = (await c.contracts.keepers.read.freeStakeOf([me!])) - bondInFlight;
    let reserved = 0n;
    for (const t of candidates) {
      if (isMine(t)) { claimable.push(t); continue; } // resume: already bonded
      // open, or another keeper's lapsed claim to take over: a new claim and bond
      if (now < t.task.postedAt + assignWindow) {
        const assignee = await market.read.assigneeOf([t.id, t.task]).catch(() => ZERO as Address);
        if (assignee.toLowerCase() !== me!.toLowerCase()) continue;
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
    bondInFlight += reserved;
    claiming++;
    let pending = true;
    inFlight(
      runBatch(claimable, () => {
        if (!pending) return;
        pending = false;
        claiming--;
        bondInFlight -= reserved;
      }).catch((e) => log("batch.failed", { ids: claimable.map((t) => t.id).join(","), reason: errMsg(e) })),
    );
  }

  /**
   * Runs `claimable` (already marked busy), claims those that ran and whose result it can submit,
   * then submits; `claimed()` once the claims are mined or failed. A task is claimed only after
   * its run: one whose input makes the model fail, whose output has no canonical form (NaN, an
   * overflow), or whose result is too large to submit, is declined with no bond at stake, so a
   * requester cannot make the keeper claim a task it cannot answer and collect its liveness penalty.
   */
  async function runBatch(claimable: TaskState[], claimed: () => void) {
    try {
      const runs = await Promise.all(claimable.map(resultOf));
      const toClaim = claimable.filter((t, i) => !isMine(t) && runs[i] && submittable(t, runs[i]));
      const got = toClaim.length ? await claimAll(toClaim) : [];
      claimed();
      await book.sync();
      const ready = claimable.filter((t) => (isMine(t) || got.includes(t.id)) && results.has(t.id));
      const mine = ready.flatMap((t) => book.tasks.get(t.id) ?? []).filter(isMine);
      if (mine.length) await submitAll(mine);
    } finally {
      claimed();
      claimable.forEach((t) => busy.delete(t.id));
    }
  }

  /** A task's result, computed once; undefined when its run failed (declined) or crashed (run again at a later tick). */
  function resultOf(t: TaskState): Promise<PoolResult | undefined> {
    const known = results.get(t.id);
    if (known) return Promise.resolve(known);
    return compute(t).then(
      (r) => (results.set(t.id, r), r),
      (e) => {
        const n = (crashes.get(t.id) ?? 0) + 1;
        if (!(e instanceof InferenceCrashError)) decline(t, `inference failed: ${errMsg(e)}`);
        else if (n >= MAX_CRASHES) decline(t, `inference crashed ${n} times: ${errMsg(e)}`);
        else (crashes.set(t.id, n), log("task.retry", { id: t.id, reason: errMsg(e) }));
        return undefined;
      },
    );
  }

  /** Whether `r` fits one submit transaction; a task whose result does not is declined. */
  function submittable(t: TaskState, r: PoolResult): boolean {
    if (r.canonical.length <= maxSubmitBytes) return true;
    results.delete(t.id);
    decline(t, `result of ${r.canonical.length} bytes exceeds ${maxSubmitBytes}, the most this keeper submits inline`);
    return false;
  }

  async function claimAll(ts: TaskState[]): Promise<bigint[]> {
    const chosen = new Map(ts.map((t) => [t.id, claimState(t)])); // what the claim is sent against
    try {
      await send("claim", () => market.write.claimBatch([ts.map((t) => t.id), ts.map((t) => t.task)], tx));
      metrics.inc("par_tasks_claimed_total", ts.length);
      log("task.claimed", { ids: ts.map((t) => t.id).join(","), n: ts.length });
      return ts.map((t) => t.id);
    } catch (e) {
      // Usually another keeper claimed or settled some of them first: claim again those the
      // chain still has as they were sent, and one by one only if the chain shows no change.
      await book.sync();
      const left = ts.filter((t) => claimState(t) === chosen.get(t.id));
      if (left.length < ts.length) {
        log("claim.lost", { ids: ts.filter((t) => !left.includes(t)).map((t) => t.id).join(","), reason: "claimed or settled by someone else first" });
        return left.length ? claimAll(left) : [];
      }
      if (ts.length === 1) { log("claim.failed", { id: ts[0].id, reason: errMsg(e) }); return []; }
      log("claim.retry", { ids: ts.map((t) => t.id).join(","), reason: `${errMsg(e)}; the chain shows no change, claiming one by one` });
      const ok: bigint[] = [];
      for (const t of ts) ok.push(...(await claimAll([t])));
      return ok;
    }
  }

  /** What a claim depends on: the phase, the claimant and since when. */
  const claimState = (t: TaskState) => `${t.phase}|${t.task.keeper}|${t.task.since}`;

  async function submitAll(ts: TaskState[]) {
    const outputs = ts.map((t) => {
      const r = results.get(t.id)!;
      return hex(opts.tamper ? opts.tamper(r.canonical) : r.canonical);
    });
    await send("submit", () => market.write.submitBatch([ts.map((t) => t.id), ts.map((t) => t.task), outputs], tx));
    metrics.inc("par_tasks_submitted_total", ts.length);
    log("task.submitted", { ids: ts.map((t) => t.id).join(","), n: ts.length });
  }

  // ------------------------------------------------------------ finalize + expire
  async function settle(now: number) {
    const due: TaskState[] = [];
    const expired: TaskState[] = [];
    for (const t of book.tasks.values()) {
      if (busy.has(t.id) || (cooldown.get(t.id) ?? 0) > Date.now()) continue;
      const mine = t.task.keeper.toLowerCase() === me!.toLowerCase();
      if (t.phase === "Submitted" && now > t.task.since + challengeWindow + (mine ? 0 : finalizeGrace) && (mine || opts.finalizeOthers !== false)) due.push(t);
      if ((t.phase === "Open" || t.phase === "Claimed") && now > t.task.deadline && served.has(t.task.modelId)) expired.push(t);
    }
    // beside the loop, like claim batches: waiting for these receipts would hold back new claims
    for (const [list, what] of [[due, "finalize"], [expired, "expire"]] as const) {
      for (let i = 0; i < list.length; i += batchMax) {
        const batch = list.slice(i, i + batchMax);
        batch.forEach((t) => busy.add(t.id));
        inFlight(settleBatch(batch, what));
      }
    }
  }

  async function settleBatch(batch: TaskState[], what: "finalize" | "expire") {
    const phases = new Map(batch.map((t) => [t.id, t.phase])); // what the transaction is sent against
    try {
      if (what === "finalize") {
        await finalizeTasks(c, batch);
        for (const t of batch) finalizers.add(t.task.keeper);
      } else await expireTasks(c, batch);
      metrics.inc(what === "finalize" ? "par_tasks_finalized_total" : "par_tasks_expired_total", batch.length);
      log(`task.${what}d`, { ids: batch.map((t) => t.id).join(","), n: batch.length });
    } catch (e) {
      // usually another keeper or the requester settled some of them first: those are lost, the rest retried
      await book.sync().catch(() => undefined);
      const lost = batch.filter((t) => t.phase !== phases.get(t.id));
      const left = batch.filter((t) => !lost.includes(t));
      if (lost.length) log(`${what}.lost`, { ids: lost.map((t) => t.id).join(","), reason: "settled by someone else first" });
      left.forEach((t) => cooldown.set(t.id, Date.now() + 1_000));
      if (left.length && !lost.length) log(`${what}.failed`, { ids: left.map((t) => t.id).join(","), reason: errMsg(e) });
    } finally {
      batch.forEach((t) => busy.delete(t.id));
    }
  }

  // ------------------------------------------------------------ watchtower
  async function watch(now: number) { // `now`: latest block time, so "still open" is never overestimated
    const jobs: Promise<void>[] = [];
    for (const t of book.tasks.values()) {
      if (t.phase !== "Submitted" || checked.has(t.id) || busy.has(t.id)) continue;
      if (t.task.keeper.toLowerCase() === me!.toLowerCase() || !served.has(t.task.modelId)) continue;
      if (now >= t.task.since + challengeWindow) continue;
      checked.add(t.id);
      if (Math.random() >= sampleRate) continue;
      busy.add(t.id);
      jobs.push((async () => {
        try {
          const m = served.get(t.task.modelId)!.model;
          let why = "";
          const r = await compute(t).catch((e) => {
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
          const bond = BigInt(Math.max(Number(t.task.bond), challengeBond));
          const free = await c.contracts.keepers.read.freeStakeOf([me!]);
          if (free < bond) return log("challenge.skipped", { id: t.id, reason: `bond ${bond} exceeds free stake ${free}` });
          // committed in an earlier block first, so that a copycat cannot take the challenge
          await send("commitChallenge", () => market.write.commitChallenge([t.id, challengeCommitment(t.id, r.resultHash, me!)], tx));
          await send("challenge", () => market.write.challenge([t.id, t.task, r.resultHash, hex(r.canonical), ""], tx));
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

  // ------------------------------------------------------------ jury duty
  const salt = (id: bigint, round: number) => keccak256(concat([opts.saltSecret, toHex(id, { size: 32 }), toHex(round, { size: 1 })]));

  /** The first side, in the court's order, whose output agrees with my own run; else Neither. */
  async function voteFor(t: TaskState): Promise<number> {
    const m = served.get(t.task.modelId);
    if (!m) return VOTE.Neither;
    const r = await mine(t);
    if (!r) return VOTE.Neither; // cannot compute: the task's input is invalid, so no result stands
    for (const side of sidesOf(t)) if (await agrees(t, m.model, side, r)) return side.vote;
    return VOTE.Neither;
  }

  /** My own result for `t` (computed once); undefined when its input cannot be run. */
  async function mine(t: TaskState): Promise<PoolResult | undefined> {
    const r = results.get(t.id) ?? (await compute(t).catch((e) => {
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

  // ------------------------------------------------------------ rival
  /**
   * A challenged task whose two results both disagree with mine (a griefing challenge on a lie):
   * join its dispute as the rival with my result, so that the right output can still win.
   */
  async function rivalWatch(now: number) {
    if (!court) return;
    const meL = me!.toLowerCase();
    for (const t of book.tasks.values()) {
      if (t.phase !== "Challenged" || t.rival || !t.challenge || busy.has(t.id) || !served.has(t.task.modelId)) continue;
      if (rivalChecked.has(t.id) || (t.dispute?.jurors.length ?? 0) > 0 || (cooldown.get(t.id) ?? 0) > Date.now()) continue;
      if (sidesOf(t).some((s) => s.keeper.toLowerCase() === meL)) continue;
      busy.add(t.id);
      try {
        if (now >= (await windowEndOf(t))) continue;
        const m = served.get(t.task.modelId)!.model;
        const r = await mine(t);
        if (!r) continue;
        const [submitter, challenger] = sidesOf(t);
        if ((await agrees(t, m, submitter, r)) || (await agrees(t, m, challenger, r))) {
          rivalChecked.add(t.id); // one side is right: nothing to add
          continue;
        }
        const bond = t.task.bond > BigInt(challengeBond) ? t.task.bond : BigInt(challengeBond);
        const free = await c.contracts.keepers.read.freeStakeOf([me!]);
        if (free < bond) {
          rivalChecked.add(t.id);
          log("rival.skipped", { id: t.id, reason: `bond ${bond} exceeds free stake ${free}` });
          continue;
        }
        await send("commitRival", () => court.write.commitRival([t.id, challengeCommitment(t.id, r.resultHash, me!)], tx));
        await send("joinAsRival", () => court.write.joinAsRival([t.id, r.resultHash, hex(r.canonical), ""], tx));
        metrics.inc("par_rivals_total");
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
  async function windowEndOf(t: TaskState): Promise<number> {
    let end = windowEnds.get(t.id);
    if (end === undefined) {
      end = Number((await court!.read.disputeOf([t.id])).windowEnd);
      windowEnds.set(t.id, end);
    }
    return end;
  }

  /** Whether it is my turn for a court action on `t` that became possible now (or earlier). */
  function myTurn(t: TaskState, leading?: number): boolean {
    const delay = turnDelay(turnOrder(t, leading), me!);
    if (delay === undefined) return false;
    const since = possibleSince.get(t.id) ?? Date.now();
    possibleSince.set(t.id, since);
    return Date.now() >= since + delay * 1000;
  }

  async function jury(headTime: number, now: number) {
    if (!court) return;
    const block = book.head;
    const actions: Promise<void>[] = []; // one per dispute, sent side by side: a burst of disputes costs a block, not one each
    for (const t of book.tasks.values()) {
      const d = t.dispute;
      if (t.phase !== "Challenged" || !d || busy.has(t.id) || d.outcome !== undefined) continue;
      if ((cooldown.get(t.id) ?? 0) > Date.now()) continue;
      const meL = me!.toLowerCase();
      const juror = d.jurors.some((j) => j.toLowerCase() === meL);
      const drawable = d.jurors.length === 0 && !d.toArbiter && block > d.seedBlock && headTime >= (windowEnds.get(t.id) ?? Infinity);
      if (!windowEnds.has(t.id)) void windowEndOf(t).catch(() => undefined); // known by the next tick
      const resolvable = !d.toArbiter && d.jurors.length > 0 && (now > d.revealEnd || d.revealed.size === d.jurors.length);
      if (!drawable && !resolvable && !d.toArbiter) possibleSince.delete(t.id);
      busy.add(t.id);
      actions.push((async () => {
        try {
          if (d.toArbiter) {
            await closeIfUnarbitrated(t, now);
          } else if (drawable && myTurn(t)) {
            await send("drawJury", () => court.write.drawJury([t.id], tx));
            log("jury.drawn", { id: t.id });
          } else if (juror && !d.committed.has(meL) && headTime < d.commitEnd) {
            const vote = await voteFor(t);
            const commitment = await court.read.voteCommitment([t.id, d.round, vote, salt(t.id, d.round), me!]);
            await send("commitVote", () => court.write.commitVote([t.id, commitment], tx));
            metrics.inc("par_votes_committed_total");
            log("vote.committed", { id: t.id, round: d.round });
          } else if (juror && d.committed.has(meL) && !d.revealed.has(meL) && now > d.commitEnd && headTime < d.revealEnd) {
            const vote = await voteFor(t);
            await send("revealVote", () => court.write.revealVote([t.id, vote, salt(t.id, d.round)], tx));
            metrics.inc("par_votes_revealed_total");
            log("vote.revealed", { id: t.id, round: d.round, vote });
          } else if (resolvable && myTurn(t, leadingVote(d.revealed))) {
            const win = sidesOf(t).find((s) => s.vote === leadingVote(d.revealed))?.output;
            const output = t.task.callback !== ZERO && win ? win : "0x";
            possibleSince.delete(t.id); // a next round's draw gets its own turns
            await send("resolve", () => court.write.resolve([t.id, t.task, output], tx));
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
  async function closeIfUnarbitrated(t: TaskState, now: number) {
    let end = arbitrationEnds.get(t.id);
    if (end === undefined) {
      end = Number((await court!.read.disputeOf([t.id])).arbitrationEnd);
      arbitrationEnds.set(t.id, end);
    }
    if (now <= end || !myTurn(t)) return;
    await send("closeEscalated", () => court!.write.closeEscalated([t.id, t.task], tx));
    log("dispute.closed", { id: t.id, reason: "the arbiter did not decide in time" });
  }

  async function send(what: string, write: () => Promise<Hex>) {
    try {
      const hash = await write();
      const r = await c.publicClient.waitForTransactionReceipt({ hash });
      if (r.status !== "success") throw new Error(`${what} reverted (tx ${hash})`);
      return r;
    } catch (e) {
      metrics.inc("par_rpc_errors_total");
      throw e;
    }
  }

  const benchmark = createBenchmarkTaker({ clients: c, me, served, pool, log, send, declaredSeconds: opts.benchmarkSeconds });

  // ------------------------------------------------------------ earnings
  // Keepers whose accounts this keeper finalized into: flushing them too lets ended epochs close.
  const finalizers = new Set<Address>();
  let earningsEpoch = -1n;
  let earning: Promise<void> | undefined;
  // Runs beside the task loop, never in front of it: claims and submits keep their deadlines.
  function earnInBackground() {
    earning ??= earn().finally(() => (earning = undefined));
  }
  async function earn() {
    const pool = c.contracts.pool;
    if (!pool) return;
    try {
      const epoch = await pool.read.currentEpoch();
      if (epoch === earningsEpoch) return; // once per epoch is enough: work settles per epoch
      const step = await collectEarnings(c, finalizers);
      if (!step.more) earningsEpoch = epoch;
      finalizers.clear();
      if (step.claimed > 0n) metrics.inc("par_emission_claimed_units_total", Number(step.claimed));
      if (step.flushed.length || step.closed.length || step.claimed > 0n) {
        log("earnings", earningsFields(step));
      }
    } catch (e) {
      log("earnings.failed", { reason: errMsg(e) });
    }
  }

  // ------------------------------------------------------------ main loop
  const running = new Set<string>(); // kinds of work beside the loop in progress: one pass of each at a time
  function beside(kind: string, pass: () => Promise<void>) {
    if (running.has(kind)) return;
    running.add(kind);
    inFlight(pass().catch((e) => log(`${kind}.failed`, { reason: errMsg(e) })).finally(() => running.delete(kind)));
  }
  let stopped = false;
  let backoff = 0;
  const byId = [results, declined, checked, crashes, lowStake, cooldown, possibleSince, arbitrationEnds, windowEnds, rivalChecked, fetched, fetching, unanswered]; // all the keeper keeps by task id
  let rebuilds = 0;
  async function tick() {
    await book.sync();
    if (book.rebuilds !== rebuilds) {
      // a reorg: a task id may now stand for another task, so nothing kept by id still holds
      rebuilds = book.rebuilds;
      for (const m of byId) m.clear();
      log("chain.reorg", { rescanned: book.head, tasks: book.tasks.size });
    }
    // what is kept by task id goes once the task closes (the book drops closed tasks)
    for (const m of byId) for (const id of m.keys()) if (!book.tasks.has(id)) m.delete(id);
    metrics.set("par_tasks_open", book.tasks.size);
    const blk = book.tip!;
    if (blk.number !== lastBlock) {
      lastBlock = blk.number;
      skew = Math.max(skew, Number(blk.timestamp) - Date.now() / 1000);
    }
    const now = Math.max(Number(blk.timestamp), chainNow());
    metrics.set("par_last_block", Number(book.head));
    const headTime = Number(blk.timestamp); // the latest block's time: what the contracts will compare against
    await benchmark.step(headTime).catch((e) => log("benchmark.failed", { reason: errMsg(e) }));
    // an unattested keeper is not active: it may not claim, challenge or sit on a jury yet
    if (benchmark.attested()) {
      await work(headTime);
      // watching and court duty go on beside the loop, so they never hold up the next claim
      beside("watch", () => watch(headTime));
      beside("rival", () => rivalWatch(headTime));
      beside("jury", () => jury(headTime, now));
    }
    await settle(now);
    earnInBackground();
    models.refreshInBackground();
  }
  const done = (async () => {
    while (!stopped) {
      try {
        await tick();
        backoff = 0;
      } catch (e) {
        metrics.inc("par_rpc_errors_total");
        backoff = Math.min(30_000, backoff ? backoff * 2 : 500);
        log("rpc.error", { reason: errMsg(e), retryMs: backoff });
        await sleep(backoff);
      }
      if (!stopped) await sleep(opts.pollMs ?? 500);
    }
  })();

  return {
    metrics,
    done,
    async stop() {
      stopped = true;
      // Work in flight gets STOP_WAIT_MS to land; past that (an RPC that stopped answering) the
      // keeper stops anyway: the chain holds every claim, and a restart picks them up.
      let timer: NodeJS.Timeout | undefined;
      const landed = await Promise.race([
        (async () => {
          await done; // its last tick may still start work: wait for the loop first
          await Promise.all([...batches, earning, models.refreshing()]);
          return true;
        })(),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_WAIT_MS))),
      ]);
      clearTimeout(timer);
      if (!landed) log("keeper.stop.timeout", { waitedMs: STOP_WAIT_MS, inFlight: batches.size });
      await pool.close();
      log("keeper.stop", metrics.snapshot());
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
