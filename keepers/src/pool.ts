/**
 * A pool of inference workers, so ONNX Runtime never blocks the keeper's chain event loop. Each
 * worker is two threads (`worker.ts`): one runs inference, one task at a time with one
 * intra-op thread (the canonical CPU path), while the other decodes the next inputs and
 * canonicalises and hashes the last outputs. A batch is spread over the workers, each task to
 * the least loaded one, and leaves in one message per worker, which amortises the thread
 * hand-off; `run` calls made in the same tick for the same model leave together as one batch.
 * A worker that dies is replaced by the next request; the tasks it held fail as crashed.
 */
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { ModelSignature, Provider, TaskResult } from "./inference.js";
import type { Close, WorkItem, WorkReply, WorkRequest } from "./worker.js";

export type PoolResult = TaskResult & { provider: Provider; ms: number };
/** `crashed`: the inference thread died, not the task's fault; running it again may succeed. */
export type PoolOutcome = PoolResult | { error: string; crashed?: true };

/** An inference thread died while it held the task: the task itself may be fine, so run it again. */
export class InferenceCrashError extends Error {
  override name = "InferenceCrashError";
}
export type InferencePool = {
  /** One task; rejects with the task's error (bad input, invalid output, unloadable model) or an {@link InferenceCrashError}. Calls in one tick share a hand-off. */
  run(modelPath: string, sig: ModelSignature, bundle: Uint8Array): Promise<PoolResult>;
  /** Many tasks of one model, one hand-off per worker; per-task outcomes, never rejects for a bad task or a worker's crash (`crashed` outcomes). */
  runBatch(modelPath: string, sig: ModelSignature, bundles: Uint8Array[]): Promise<PoolOutcome[]>;
  /** Starts every worker and loads the model's session in each (so the first task is not slow). */
  warm(modelPath: string, sig: ModelSignature): Promise<void>;
  size: number;
  close(): Promise<void>;
};

/** inFlight: tasks sent and not answered (the load); requests: messages not answered (a warm-up has no tasks). */
type Slot = { worker?: Worker; inFlight: number; requests: number }; // no worker: it died, the next request starts one

/** The signature's own fields (a caller may pass a richer object, e.g. a model definition). */
const plain = ({ inputs, outputs, outputDecimals, maxInputBytes, maxOutputBytes }: ModelSignature): ModelSignature =>
  ({ inputs, outputs, outputDecimals, maxInputBytes, maxOutputBytes });
type Pending = { resolve: (r: PoolOutcome[]) => void; reject: (e: Error) => void; slot: Slot; n: number };

export function createPool(opts: { size?: number; provider?: Provider; onLog?: (msg: string) => void } = {}): InferencePool {
  const size = Math.max(1, opts.size ?? Math.max(1, availableParallelism() - 1));
  const provider = opts.provider ?? "cpu";
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;

  // a worker keeps the process alive only while it owes an answer
  const done = (slot: Slot, n: number) => {
    slot.inFlight -= n;
    if (--slot.requests === 0) slot.worker?.unref();
  };
  function spawn(slot: Slot): Worker {
    const worker = new Worker(new URL("./thread-entry.mjs", import.meta.url), { name: "par-inference", workerData: { module: "./worker.ts" } });
    let reason = "";
    worker.on("message", (m: WorkReply) => {
      if ("log" in m) return opts.onLog?.(m.log);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      done(slot, p.n);
      p.resolve(m.items.map((i: WorkItem) => (i.ok ? { canonical: i.canonical, resultHash: i.resultHash, ms: i.ms, provider: m.provider! } : i.crashed ? { error: i.error, crashed: true } : { error: i.error })));
    });
    worker.on("error", (e) => (reason = e.message));
    worker.on("exit", (code) => {
      if (closed) return; // close() answers what is left
      const e = new InferenceCrashError(reason ? `inference worker crashed: ${reason}` : `inference worker exited (code ${code})`);
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.reject(e);
      }
      // replaced when next needed, so a worker that cannot start does not restart in a loop
      Object.assign(slot, { worker: undefined, inFlight: 0, requests: 0 });
      opts.onLog?.(`${e.message}; the next task starts a fresh one`);
    });
    worker.unref();
    return worker;
  }
  const slots: Slot[] = Array.from({ length: size }, () => {
    const slot: Slot = { inFlight: 0, requests: 0 };
    slot.worker = spawn(slot);
    return slot;
  });

  function runBatch(modelPath: string, sig: ModelSignature, bundles: Uint8Array[]): Promise<PoolOutcome[]> {
    const load = slots.map((s) => s.inFlight);
    const shares = slots.map((): number[] => []);
    bundles.forEach((_, i) => {
      const k = load.indexOf(Math.min(...load));
      load[k]++;
      shares[k].push(i);
    });
    const out: PoolOutcome[] = new Array(bundles.length);
    const sent = shares.map((idx, k) =>
      idx.length === 0 ? undefined : dispatch(slots[k], modelPath, sig, idx.map((i) => bundles[i])).then(
        (rs) => rs.forEach((r, j) => (out[idx[j]] = r)),
        (e: Error) => {
          if (!(e instanceof InferenceCrashError)) throw e;
          for (const i of idx) out[i] = { error: e.message, crashed: true };
        },
      ),
    );
    return Promise.all(sent).then(() => out);
  }

  // run(): calls made in the same tick for one model and signature leave as one batch
  type Waiter = { resolve: (r: PoolResult) => void; reject: (e: Error) => void };
  const queued = new Map<string, { bundles: Uint8Array[]; waiters: Waiter[] }>();
  function run(modelPath: string, sig: ModelSignature, bundle: Uint8Array): Promise<PoolResult> {
    const key = `${modelPath}\n${JSON.stringify(plain(sig), (_, v) => (typeof v === "bigint" ? String(v) : v))}`;
    let q = queued.get(key);
    if (!q) {
      const batch: { bundles: Uint8Array[]; waiters: Waiter[] } = (q = { bundles: [], waiters: [] });
      queued.set(key, batch);
      queueMicrotask(() => {
        queued.delete(key);
        runBatch(modelPath, sig, batch.bundles).then(
          (rs) => rs.forEach((r, i) => ("error" in r ? batch.waiters[i].reject(r.crashed ? new InferenceCrashError(r.error) : new Error(r.error)) : batch.waiters[i].resolve(r))),
          (e: Error) => batch.waiters.forEach((w) => w.reject(e)),
        );
      });
    }
    q.bundles.push(bundle);
    return new Promise((resolve, reject) => q.waiters.push({ resolve, reject }));
  }

  function dispatch(slot: Slot, modelPath: string, sig: ModelSignature, bundles: Uint8Array[]): Promise<PoolOutcome[]> {
    if (closed) return Promise.reject(new Error("inference pool is closed"));
    const id = nextId++;
    const worker = (slot.worker ??= spawn(slot));
    if (slot.requests++ === 0) worker.ref();
    slot.inFlight += bundles.length;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, slot, n: bundles.length });
      const req: WorkRequest = { id, modelPath, sig: plain(sig), bundles, provider };
      worker.postMessage(req);
    });
  }

  return {
    size,
    runBatch,
    async warm(modelPath, sig) {
      const failed = (await Promise.all(slots.map((s) => dispatch(s, modelPath, sig, [])))).flat().find((r) => "error" in r);
      if (failed && "error" in failed) throw new Error(failed.error);
    },
    run,
    async close() {
      if (closed) return;
      closed = true;
      // each worker stops its runner between two tasks, then exits (terminate() mid-run would abort the process)
      await Promise.all(slots.map(({ worker }) => {
        if (!worker) return;
        const exited = once(worker, "exit");
        worker.ref();
        worker.postMessage({ close: true } satisfies Close);
        return exited;
      }));
      for (const p of pending.values()) p.reject(new Error("inference pool closed"));
      pending.clear();
    },
  };
}
