/**
 * A pool of inference workers, so ONNX Runtime never blocks the keeper's chain event loop. Each
 * worker is two threads (`worker.ts`): one runs inference, one task at a time with one
 * intra-op thread (the canonical CPU path), while the other decodes the next inputs and
 * canonicalises and hashes the last outputs. A batch is spread over the workers, each task to
 * the least loaded one, and leaves in one message per worker, which amortises the thread
 * hand-off; `run` calls made in the same tick for the same model leave together as one batch.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { ModelSignature, Provider, TaskResult } from "./inference.js";
import type { WorkItem, WorkReply, WorkRequest } from "./worker.js";

export type PoolResult = TaskResult & { provider: Provider; ms: number };
export type PoolOutcome = PoolResult | { error: string };
export type InferencePool = {
  /** One task; rejects with the task's error (bad input, invalid output, unloadable model). Calls in one tick share a hand-off. */
  run(modelPath: string, sig: ModelSignature, bundle: Uint8Array): Promise<PoolResult>;
  /** Many tasks of one model, one hand-off per worker; per-task outcomes, never rejects for a bad task. */
  runBatch(modelPath: string, sig: ModelSignature, bundles: Uint8Array[]): Promise<PoolOutcome[]>;
  /** Starts every worker and loads the model's session in each (so the first task is not slow). */
  warm(modelPath: string, sig: ModelSignature): Promise<void>;
  size: number;
  close(): Promise<void>;
};

/** inFlight: tasks sent and not answered (the load); requests: messages not answered (a warm-up has no tasks). */
type Slot = { worker: Worker; inFlight: number; requests: number };

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
    if (--slot.requests === 0) slot.worker.unref();
  };
  const slots: Slot[] = Array.from({ length: size }, () => {
    const slot: Slot = { worker: new Worker(new URL("./thread-entry.mjs", import.meta.url), { workerData: { module: "./worker.ts" } }), inFlight: 0, requests: 0 };
    slot.worker.on("message", (m: WorkReply) => {
      if ("log" in m) return opts.onLog?.(m.log);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      done(slot, p.n);
      p.resolve(m.items.map((i: WorkItem) => (i.ok ? { canonical: i.canonical, resultHash: i.resultHash, ms: i.ms, provider: m.provider! } : { error: i.error })));
    });
    slot.worker.on("error", (e) => {
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        done(slot, p.n);
        p.reject(new Error(`inference worker crashed: ${e.message}`));
      }
    });
    slot.worker.unref();
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
      idx.length === 0 ? undefined : dispatch(slots[k], modelPath, sig, idx.map((i) => bundles[i])).then((rs) => rs.forEach((r, j) => (out[idx[j]] = r))),
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
          (rs) => rs.forEach((r, i) => ("error" in r ? batch.waiters[i].reject(new Error(r.error)) : batch.waiters[i].resolve(r))),
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
    if (slot.requests++ === 0) slot.worker.ref();
    slot.inFlight += bundles.length;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, slot, n: bundles.length });
      const req: WorkRequest = { id, modelPath, sig: plain(sig), bundles, provider };
      slot.worker.postMessage(req);
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
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      for (const p of pending.values()) p.reject(new Error("inference pool closed"));
      pending.clear();
    },
  };
}
