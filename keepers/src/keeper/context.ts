/**
 * The keeper's context: one object that every part of the keeper takes (viem style), holding its
 * clients, its settings, its logger and metrics, and what it keeps by task id.
 */
import type { Account, Address, Chain, Hex } from "viem";
import { createBenchmarkTaker, type BenchmarkTaker } from "../attestation/benchmark.js";
import type { ParadigmClients } from "../chain/client.js";
import { FINALIZE_GRACE } from "../chain/requester.js";
import { createTaskBook, type TaskBook } from "../chain/taskbook.js";
import type { Provider } from "../inference.js";
import { createPool, type InferencePool } from "../pool.js";
import { servedModels, type ServedModel } from "../served.js";
import { createLogger, createMetrics, type Logger, type Metrics } from "../telemetry.js";
import { send } from "./send.js";
import { createTaskMemory, type TaskMemory } from "./tasks.js";

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

export type KeeperContext = {
  opts: KeeperOptions;
  clients: ParadigmClients;
  me: Address;
  /** The account and chain every transaction is sent with. */
  tx: { account: Account; chain: Chain };
  log: Logger;
  metrics: Metrics;
  pool: InferencePool;
  book: TaskBook;
  models: ReturnType<typeof servedModels>;
  served: Map<number, ServedModel>;
  market: ParadigmClients["contracts"]["market"];
  court: ParadigmClients["contracts"]["court"];
  benchmark: BenchmarkTaker;
  batchMax: number;
  maxSubmitBytes: number;
  sampleRate: number;
  finalizeGrace: number;
  /** The market's windows (seconds) and challenge bond, read at start. */
  assignWindow: number;
  claimTimeout: number;
  challengeWindow: number;
  challengeBond: number;
  tasks: TaskMemory;
  /** The book's rebuilds when `tasks` was last cleared. */
  rebuilds: number;
  /** Chain time − wall time, from the newest block seen. */
  skew: number;
  lastBlock: bigint;
  /** Run/claim/submit and finalize/expire work beside the loop. */
  batches: Set<Promise<void>>;
  /** Kinds of work beside the loop in progress: one pass of each at a time. */
  running: Set<string>;
  /** Batches running or whose claims are not mined yet. */
  claiming: number;
  /** Their bonds: the chain's free stake still counts them. */
  bondInFlight: bigint;
  earnings: {
    /** Keepers whose accounts this keeper finalized into: flushing them too lets ended epochs close. */
    finalizers: Set<Address>;
    epoch: bigint;
    pass?: Promise<void>;
  };
  stopped: boolean;
};

/** Checks the key, loads the served models and reads the market's parameters. */
export async function createContext(opts: KeeperOptions): Promise<KeeperContext> {
  const c = opts.clients;
  const me = c.account?.address;
  if (!me || !c.walletClient) throw new Error("the keeper needs a key: pass --keystore (create one with `par keeper init`)");
  const log = opts.log ?? createLogger();
  const metrics = opts.metrics ?? createMetrics();
  const pool = createPool({ size: opts.poolSize, provider: opts.provider, onLog: (m) => log("inference", { msg: m }) });
  const book = createTaskBook(c, { dropClosed: true });
  const market = c.contracts.market;

  const models = servedModels(c, me, opts.cacheDir, pool, log);
  await models.load();
  const served = models.served;
  const [assignWindow, claimTimeout, challengeWindow, challengeBond] = await Promise.all([
    market.read.assignWindow(), market.read.claimTimeout(), market.read.challengeWindow(), market.read.challengeBond(),
  ]).then((v) => v.map(Number));
  log("keeper.start", { keeper: me, models: [...served.keys()].join(","), workers: pool.size, from: book.head + 1n });

  const ctx: KeeperContext = {
    opts,
    clients: c,
    me,
    tx: { account: c.walletClient.account, chain: c.walletClient.chain },
    log,
    metrics,
    pool,
    book,
    models,
    served,
    market,
    court: c.contracts.court,
    benchmark: createBenchmarkTaker({ clients: c, me, served, pool, log, send: (what, write) => send(ctx, what, write), declaredSeconds: opts.benchmarkSeconds }),
    batchMax: opts.batchMax ?? 32,
    maxSubmitBytes: opts.maxSubmitBytes ?? 256 * 1024,
    sampleRate: opts.sampleRate ?? 1,
    finalizeGrace: opts.finalizeGrace ?? FINALIZE_GRACE,
    assignWindow,
    claimTimeout,
    challengeWindow,
    challengeBond,
    tasks: createTaskMemory(),
    rebuilds: 0,
    skew: 0,
    lastBlock: -1n,
    batches: new Set(),
    running: new Set(),
    claiming: 0,
    bondInFlight: 0n,
    earnings: { finalizers: new Set(), epoch: -1n },
    stopped: false,
  };
  return ctx;
}
