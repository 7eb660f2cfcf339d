/** Inference worker thread: keeps ORT sessions per model file and runs task batches one at a time. */
import { parentPort } from "node:worker_threads";
import { loadSession, runBundle, type LoadedSession, type ModelSignature, type Provider } from "./inference.js";

export type WorkRequest = { id: number; modelPath: string; sig: ModelSignature; bundles: Uint8Array[]; provider: Provider };
export type WorkItem =
  | { ok: true; canonical: Uint8Array; resultHash: `0x${string}`; ms: number }
  | { ok: false; error: string };
export type WorkReply = { id: number; provider?: Provider; items: WorkItem[] } | { log: string };

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
    const items: WorkItem[] = [];
    let provider: Provider | undefined;
    let ls: LoadedSession | undefined;
    try {
      ls = await session(req);
      provider = ls.provider;
    } catch (e) {
      const error = `cannot load model: ${(e as Error).message}`;
      return port.postMessage({ id: req.id, items: (req.bundles.length ? req.bundles : [0]).map(() => ({ ok: false, error })) } satisfies WorkReply);
    }
    for (const bundle of req.bundles) {
      const t0 = performance.now();
      try {
        const r = await runBundle(ls.session, req.sig, bundle);
        items.push({ ok: true, ...r, ms: performance.now() - t0 });
      } catch (e) {
        items.push({ ok: false, error: (e as Error).message });
      }
    }
    const transfer = items.flatMap((i) => (i.ok ? [i.canonical.buffer as ArrayBuffer] : []));
    port.postMessage({ id: req.id, provider, items } satisfies WorkReply, transfer);
  });
});
