/**
 * Runner thread: one per pool worker (`worker.ts` starts it). It owns that worker's ORT
 * sessions and only runs inference: validated input tensors arrive packed in one transferred
 * buffer, the outputs leave the same way. Requests run one at a time, in arrival order; a
 * {@link Close} message ends the thread before the next task.
 */
import { parentPort } from "node:worker_threads";
import { checkSignature, loadSession, runTensors, type LoadedSession, type Provider } from "./inference.js";
import { packTensors, unpackTensors, type Tensor, type TensorSpec } from "./tensors.js";
import type { Close } from "./worker.js";

export type RunRequest = {
  seq: number;
  modelPath: string;
  provider: Provider;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Each task's input tensors (`packTensors`). */
  buffer: ArrayBuffer;
};
export type RunReply =
  /** `buffer`: each task's outputs (`packTensors`; none for a failed task); errors[i]: why task i failed; ms[i]: its run time. */
  | { seq: number; provider: Provider; buffer: ArrayBuffer; errors: (string | null)[]; ms: number[] }
  | { seq: number; error: string } // the whole request failed (e.g. the model cannot load)
  | { log: string };

const port = parentPort!;
const sessions = new Map<string, Promise<LoadedSession>>();
let chain: Promise<void> = Promise.resolve();

function session(req: RunRequest): Promise<LoadedSession> {
  const key = `${req.modelPath}|${req.provider}`;
  let s = sessions.get(key);
  if (!s) {
    s = loadSession(req.modelPath, { provider: req.provider, onLog: (log) => port.postMessage({ log } satisfies RunReply) });
    s.catch(() => sessions.delete(key));
    sessions.set(key, s);
  }
  return s;
}

async function serve(req: RunRequest): Promise<void> {
  let ls: LoadedSession;
  try {
    ls = await session(req);
  } catch (e) {
    return port.postMessage({ seq: req.seq, error: `cannot load model: ${(e as Error).message}` } satisfies RunReply);
  }
  let sigError: string | undefined;
  try {
    checkSignature(ls.session, req);
  } catch (e) {
    sigError = (e as Error).message;
  }
  const outputs: Tensor[][] = [];
  const errors: (string | null)[] = [];
  const ms: number[] = [];
  for (const inputs of unpackTensors(req.buffer)) {
    const t0 = performance.now();
    try {
      if (sigError) throw new Error(sigError);
      outputs.push(await runTensors(ls.session, req, inputs));
      errors.push(null);
    } catch (e) {
      outputs.push([]);
      errors.push((e as Error).message);
    }
    ms.push(performance.now() - t0);
  }
  const buffer = packTensors(outputs);
  port.postMessage({ seq: req.seq, provider: ls.provider, buffer, errors, ms } satisfies RunReply, [buffer]);
}

port.on("message", (req: RunRequest | Close) => {
  // Messages are handled between two tasks (each `session.run` starts from a setImmediate), never
  // during one, so exiting here is safe; terminating the thread mid-run would abort the process.
  if ("close" in req) process.exit(0);
  chain = chain.then(() => serve(req)).catch((e) => port.postMessage({ seq: req.seq, error: (e as Error).message } satisfies RunReply));
});
