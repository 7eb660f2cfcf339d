/** Inference worker thread: keeps ORT sessions per model file and runs tasks one at a time. */
import { parentPort } from "node:worker_threads";
import { loadSession, runBundle, type LoadedSession, type ModelSignature, type Provider } from "./inference.js";

export type WorkRequest = { id: number; modelPath: string; sig: ModelSignature; bundle: Uint8Array; provider: Provider };
export type WorkReply =
  | { id: number; ok: true; canonical: Uint8Array; resultHash: `0x${string}`; provider: Provider; ms: number }
  | { id: number; ok: false; error: string }
  | { log: string };

const port = parentPort!;
const sessions = new Map<string, Promise<LoadedSession>>();
let chain: Promise<void> = Promise.resolve();

function session(req: WorkRequest): Promise<LoadedSession> {
  const key = `${req.modelPath}|${req.provider}`;
  let s = sessions.get(key);
  if (!s) {
    s = loadSession(req.modelPath, { provider: req.provider, onLog: (log) => port.postMessage({ log }) });
    s.catch(() => sessions.delete(key));
    sessions.set(key, s);
  }
  return s;
}

port.on("message", (req: WorkRequest) => {
  chain = chain.then(async () => {
    const t0 = performance.now();
    try {
      const ls = await session(req);
      const r = await runBundle(ls.session, req.sig, req.bundle);
      const reply: WorkReply = { id: req.id, ok: true, ...r, provider: ls.provider, ms: performance.now() - t0 };
      port.postMessage(reply, [r.canonical.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: req.id, ok: false, error: (e as Error).message } satisfies WorkReply);
    }
  });
});
