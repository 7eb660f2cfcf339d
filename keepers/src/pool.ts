/**
 * A pool of inference worker threads, so ONNX Runtime never blocks the keeper's chain event
 * loop. Work goes to the worker with the fewest tasks in flight; each worker runs one task at a
 * time with one intra-op thread (the canonical CPU path). `runBatch` sends many tasks in one
 * message, which amortises the thread hand-off (~0.1-0.5 ms) over the batch.
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { ModelSignature, Provider, TaskResult } from "./inference.js";
import type { WorkItem, WorkReply, WorkRequest } from "./worker.js";

export type PoolResult = TaskResult & { provider: Provider; ms: number };
export type PoolOutcome = PoolResult | { error: string };
export type InferencePool = {
  /** One task; rejects with the task's error (bad input, invalid output, unloadable model). */
  run(modelPath: string, sig: ModelSignature, bundle: Uint8Array): Promise<PoolResult>;
  /** Many tasks of one model in one hand-off; per-task outcomes, never rejects for a bad task. */
  runBatch(modelPath: string, sig: ModelSignature, bundles: Uint8Array[]): Promise<PoolOutcome[]>;
  /** Starts every worker and loads the model's session in each (so the first task is not slow). */
  warm(modelPath: string, sig: ModelSignature): Promise<void>;
  size: number;
  close(): Promise<void>;
};

type Slot = { worker: Worker; inFlight: number };
type Pending = { resolve: (r: PoolOutcome[]) => void; reject: (e: Error) => void; slot: Slot; n: number };

export function createPool(opts: { size?: number; provider?: Provider; onLog?: (msg: string) => void } = {}): InferencePool {
  const size = Math.max(1, opts.size ?? Math.max(1, availableParallelism() - 1));
  const provider = opts.provider ?? "cpu";
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;

  const done = (slot: Slot, n: number) => {
    slot.inFlight -= n;
    if (slot.inFlight === 0) slot.worker.unref();
  };
  const slots: Slot[] = Array.from({ length: size }, () => {
    const slot: Slot = { worker: new Worker(new URL("./worker-entry.mjs", import.meta.url)), inFlight: 0 };
    slot.worker.on("message", (m: WorkReply) => {
      if ("log" in m) return opts.onLog?.(m.log);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      done(slot, p.n);
      if (p.n === 0 && slot.inFlight === 0) slot.worker.unref();
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
    if (bundles.length === 0) return Promise.resolve([]);
    return dispatch(slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a)), modelPath, sig, bundles);
  }

  function dispatch(slot: Slot, modelPath: string, sig: ModelSignature, bundles: Uint8Array[]): Promise<PoolOutcome[]> {
    if (closed) return Promise.reject(new Error("inference pool is closed"));
    const id = nextId++;
    if (slot.inFlight === 0) slot.worker.ref();
    slot.inFlight += bundles.length;
    if (bundles.length === 0) slot.worker.ref(); // a warm-up: keep the process alive until it answers
    const { inputs, outputs, outputDecimals, maxInputBytes, maxOutputBytes } = sig; // plain data only
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject, slot, n: bundles.length });
      const req: WorkRequest = { id, modelPath, sig: { inputs, outputs, outputDecimals, maxInputBytes, maxOutputBytes }, bundles, provider };
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
    async run(modelPath, sig, bundle) {
      const [r] = await runBatch(modelPath, sig, [bundle]);
      if ("error" in r) throw new Error(r.error);
      return r;
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      for (const p of pending.values()) p.reject(new Error("inference pool closed"));
      pending.clear();
    },
  };
}
