/** The keeper's main loop: start, one tick per poll, and stop. */
import { errMsg, type Metrics } from "../telemetry.js";
import { beside } from "./background.js";
import { claimAndRun } from "./claim.js";
import { createContext, type KeeperContext, type KeeperOptions } from "./context.js";
import { earnInBackground } from "./earnings.js";
import { jury, rivalWatch } from "./jury.js";
import { settle } from "./settle.js";
import { forgetStale } from "./tasks.js";
import { watch } from "./watchtower.js";

export type Keeper = { stop(): Promise<void>; metrics: Metrics; done: Promise<void> };

/** How long `stop()` waits for transactions in flight to be mined. */
const STOP_WAIT_MS = 15_000;

export async function startKeeper(opts: KeeperOptions): Promise<Keeper> {
  const ctx = await createContext(opts);
  const { log, metrics } = ctx;
  const done = (async () => {
    let backoff = 0;
    while (!ctx.stopped) {
      try {
        await tick(ctx);
        backoff = 0;
      } catch (e) {
        metrics.inc("par_rpc_errors_total");
        backoff = Math.min(30_000, backoff ? backoff * 2 : 500);
        log("rpc.error", { reason: errMsg(e), retryMs: backoff });
        await sleep(backoff);
      }
      if (!ctx.stopped) await sleep(opts.pollMs ?? 500);
    }
  })();
  return { metrics, done, stop: () => stop(ctx, done) };
}

async function tick(ctx: KeeperContext) {
  const { book, metrics, log, benchmark } = ctx;
  await book.sync();
  forgetStale(ctx);
  metrics.set("par_tasks_open", book.tasks.size);
  const blk = book.tip!;
  if (blk.number !== ctx.lastBlock) {
    ctx.lastBlock = blk.number;
    ctx.skew = Math.max(ctx.skew, Number(blk.timestamp) - Date.now() / 1000);
  }
  const now = Math.max(Number(blk.timestamp), Math.floor(Date.now() / 1000 + ctx.skew));
  metrics.set("par_last_block", Number(book.head));
  const headTime = Number(blk.timestamp); // the latest block's time: what the contracts will compare against
  await benchmark.step(headTime).catch((e) => log("benchmark.failed", { reason: errMsg(e) }));
  // an unattested keeper is not active: it may not claim, challenge or sit on a jury yet
  if (benchmark.attested()) {
    await claimAndRun(ctx, headTime);
    // watching and court duty go on beside the loop, so they never hold up the next claim
    beside(ctx, "watch", () => watch(ctx, headTime));
    beside(ctx, "rival", () => rivalWatch(ctx, headTime));
    beside(ctx, "jury", () => jury(ctx, headTime, now));
  }
  await settle(ctx, now);
  earnInBackground(ctx);
  ctx.models.refreshInBackground();
}

async function stop(ctx: KeeperContext, done: Promise<void>) {
  const { log } = ctx;
  ctx.stopped = true;
  // Work in flight gets STOP_WAIT_MS to land; past that (an RPC that stopped answering) the
  // keeper stops anyway: the chain holds every claim, and a restart picks them up.
  let timer: NodeJS.Timeout | undefined;
  const landed = await Promise.race([
    (async () => {
      await done; // its last tick may still start work: wait for the loop first
      await Promise.all([...ctx.batches, ctx.earnings.pass, ctx.models.refreshing()]);
      return true;
    })(),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), STOP_WAIT_MS))),
  ]);
  clearTimeout(timer);
  if (!landed) log("keeper.stop.timeout", { waitedMs: STOP_WAIT_MS, inFlight: ctx.batches.size });
  await ctx.pool.close();
  log("keeper.stop", ctx.metrics.snapshot());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
