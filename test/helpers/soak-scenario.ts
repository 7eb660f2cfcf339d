/**
 * The adversarial soak, shared by test/adversarial.test.ts and bench/soak.bench.ts: a live chain
 * at the safe windows, the roster of keepers and adversaries running, requesters posting paid
 * tasks and lots for two minutes, then waiting until every task has settled. It returns
 * what the chain recorded and what each party gained; the test and the bench judge that.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Hex } from "viem";
import { SAFE_WINDOWS } from "../../deploy/profiles.js";
import { createTaskBook, type TaskBook } from "../../keepers/src/chain/taskbook.js";
import { loadSession } from "../../keepers/src/inference.js";
import { MODELS } from "../../keepers/src/models.js";
import { createLogger, type Logger } from "../../keepers/src/telemetry.js";
import { param } from "./market.js";
import { readEvents, type SoakEvents } from "./soak-events.js";
import { gains, snapshot } from "./soak-ledger.js";
import { fundRequesters, LOAD, postLoad, type Posted } from "./soak-load.js";
import { registerParties, startParties, type Party, type Running } from "./soak-network.js";
import { openTasks, rescue } from "./soak-rescue.js";
import { liveChain, type Connection, type SdkChain } from "./sdk-chain.js";

const PAR = 10n ** 8n;
/** After the last post, how long the network has to settle every task before the test steps in. */
const SETTLE_MS = LOAD.ttl * 1_000;
/** How long the test's own rescue may take (an escalated dispute waits a jury round or two). */
const RESCUE_MS = 120_000;

export type SoakRun = {
  parties: Party[];
  /** Requesters' addresses (lower case). */
  requesters: string[];
  posted: Posted[];
  truth: (id: bigint) => Hex;
  /** PAR each party and requester gained over the soak (lower-case address → base units; negative: lost). */
  gained: Map<string, bigint>;
  events: SoakEvents;
  /** Tasks the network left open after SETTLE_MS, which the test had to close itself, with the phase each was in. */
  rescued: Map<bigint, string>;
  /** Disputes two juries left undecided, which the test arbitrated as governance. */
  arbitrated: Set<bigint>;
  /** Task ids whose `statusOf` is not None at the end. */
  unclosed: bigint[];
  /** Wall time of the whole soak, setup included (ms). */
  wallMs: number;
};

/** Sets the market's and court's windows to SAFE_WINDOWS, and the court's default jury of 5. */
async function setSafeWindows(fx: SdkChain) {
  const { challengeWindow, assignWindow, claimTimeout, commitPeriod, revealPeriod } = SAFE_WINDOWS;
  for (const [name, value] of Object.entries({ challengeWindow, assignWindow, claimTimeout })) await fx.market.write.setParameter([param(name), BigInt(value)]);
  for (const [name, value] of Object.entries({ commitPeriod, revealPeriod, jurySize: 5 })) await fx.court.write.setParameter([param(name), BigInt(value)]);
}

/** Waits until every task of `ids` has closed, or `ms` have passed. */
async function settle(book: TaskBook, ids: bigint[], ms: number) {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    await book.sync();
    if (openTasks(book, ids).length === 0) return;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** Runs `work` while the parties run, then stops them, whatever happened. */
async function whileRunning<T>(running: Running, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } finally {
    await running.stop();
  }
}

/**
 * Runs the soak on a fresh chain (on `conn` when given). Setup runs with automine; the soak itself
 * is mined as the devnet and an L2 are, a block a second and no automine, so chain time follows
 * wall time and windows last what they say.
 */
export async function runSoak(opts: { conn?: Connection; log?: Logger } = {}): Promise<SoakRun> {
  const start = Date.now();
  const chain = await liveChain({}, opts.conn);
  try {
    return { ...(await soak(chain, opts.log ?? createLogger({ quiet: true }))), wallMs: Date.now() - start };
  } finally {
    chain.server.close();
  }
}

async function soak(chain: Awaited<ReturnType<typeof liveChain>>, log: Logger): Promise<Omit<SoakRun, "wallMs">> {
  const { conn, fx } = chain;
  const publicClient = await conn.viem.getPublicClient();
  await setSafeWindows(fx);
  const parties = await registerParties(chain);
  const requesters = await fundRequesters(chain, LOAD.requesters, 20n * PAR);
  const accounts = [
    ...parties.map((p) => ({ address: p.address, keeper: true })),
    ...requesters.map((c) => ({ address: c.account!.address, keeper: false })),
  ];
  const before = await snapshot(fx, accounts);
  await conn.provider.request({ method: "evm_setAutomine", params: [false] });
  const fromBlock = await publicClient.getBlockNumber();

  const truths = new Map<bigint, Hex>();
  const truth = (id: bigint) => truths.get(id)!;
  const cacheDir = mkdtempSync(path.join(tmpdir(), "par-soak-"));
  const running = await startParties(parties, { cacheDir, log, truth: (id) => truths.get(id) });
  const { posted, rescued, arbitrated } = await whileRunning(running, async () => {
    const { session } = await loadSession(MODELS.mlp.bytes());
    const posted = await postLoad(requesters, fx.modelIds.mlp, session, (p) => truths.set(p.id, p.truth));
    const ids = posted.map((p) => p.id);
    const book = createTaskBook(requesters[0], { fromBlock });
    await settle(book, ids, SETTLE_MS);
    return { posted, ...(await rescue(chain, book, ids, truth, RESCUE_MS)) };
  });

  const after = await snapshot(fx, accounts);
  const statuses = await Promise.all(posted.map((p) => fx.market.read.statusOf([p.id])));
  return {
    parties,
    requesters: requesters.map((c) => c.account!.address.toLowerCase()),
    posted,
    truth,
    gained: gains(before, after),
    events: await readEvents(publicClient, { market: fx.market.address, court: fx.court.address, keepers: fx.keepers.address }, fromBlock),
    rescued,
    arbitrated,
    unclosed: posted.filter((_, i) => statuses[i] !== 0).map((p) => p.id),
  };
}
