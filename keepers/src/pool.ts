/**
 * A pool of inference worker threads, so ONNX Runtime never blocks the keeper's chain event
 * loop. Each task goes to the worker with the fewest tasks in flight; each worker runs one
 * task at a time with one intra-op thread (the canonical CPU path).
 */
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { ModelSignature, Provider, TaskResult } from "./inference.js";
import type { WorkReply, WorkRequest } from "./worker.js";

export type PoolResult = TaskResult & { provider: Provider; ms: number };
export type InferencePool = {
  run(modelPath: string, sig: ModelSignature, bundle: Uint8Array): Promise<PoolResult>;
  size: number;
  close(): Promise<void>;
};

type Slot = { worker: Worker; inFlight: number };

export function createPool(opts: { size?: number; provider?: Provider; onLog?: (msg: string) => void } = {}): InferencePool {
  const size = Math.max(1, opts.size ?? Math.max(1, availableParallelism() - 1));
  const provider = opts.provider ?? "cpu";
  const pending = new Map<number, { resolve: (r: PoolResult) => void; reject: (e: Error) => void; slot: Slot }>();
  let nextId = 1;
  let closed = false;
  const slots: Slot[] = Array.from({ length: size }, () => {
    const slot: Slot = { worker: new Worker(new URL("./worker-entry.mjs", import.meta.url)), inFlight: 0 };
    slot.worker.on("message", (m: WorkReply) => {
      if ("log" in m) return opts.onLog?.(m.log);
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (--slot.inFlight === 0) slot.worker.unref();
      if (m.ok) p.resolve({ canonical: m.canonical, resultHash: m.resultHash, provider: m.provider, ms: m.ms });
      else p.reject(new Error(m.error));
    });
    slot.worker.on("error", (e) => {
      for (const [id, p] of pending) if (p.slot === slot) {
        pending.delete(id);
        p.reject(new Error(`inference worker crashed: ${e.message}`));
      }
      slot.inFlight = 0;
      slot.worker.unref();
    });
    slot.worker.unref();
    return slot;
  });

  return {
    size,
    run(modelPath, sig, bundle) {
      if (closed) return Promise.reject(new Error("inference pool is closed"));
      const slot = slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
      const id = nextId++;
      if (slot.inFlight++ === 0) slot.worker.ref();
      return new Promise<PoolResult>((resolve, reject) => {
        pending.set(id, { resolve, reject, slot });
        const { inputs, outputs, outputDecimals, maxInputBytes, maxOutputBytes } = sig;
        const req: WorkRequest = { id, modelPath, sig: { inputs, outputs, outputDecimals, maxInputBytes, maxOutputBytes }, bundle, provider };
        slot.worker.postMessage(req);
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
      for (const p of pending.values()) p.reject(new Error("inference pool closed"));
      pending.clear();
    },
  };
}
