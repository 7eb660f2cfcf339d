/**
 * Inference worker thread, one per pool slot. ONNX Runtime's `session.run` computes on the
 * calling JS thread (onnxruntime-node calls its synchronous binding from a setImmediate), so
 * nothing else can happen on that thread while a task runs. The worker therefore splits a
 * task's stages over two threads: this one decodes and validates each bundle, hands the tensors
 * to its runner thread (`runner.ts`, which only runs inference) a few tasks at a time, and
 * canonicalises and hashes each hand-off's outputs while the runner computes the next ones.
 * Only {@link AHEAD} hand-offs wait at the runner at once; the rest queue here, and requests
 * take turns, so a single task that arrives while a large lot runs waits for a chunk of the
 * lot, not for all of it.
 *
 * Never terminate a thread while it runs inference: onnxruntime-node aborts the whole process.
 * A {@link Close} message stops the runner between two tasks, then this thread.
 */
import { parentPort, Worker } from "node:worker_threads";
import { commitOutputs } from "./canonical.js";
import type { ModelSignature, Provider } from "./inference.js";
import type { RunReply, RunRequest } from "./runner.js";
import { decodeBundle, packTensors, unpackTensors, type Tensor } from "./tensors.js";

export type WorkRequest = { id: number; modelPath: string; sig: ModelSignature; bundles: Uint8Array[]; provider: Provider };
export type WorkItem =
  | { ok: true; canonical: Uint8Array; resultHash: `0x${string}`; ms: number }
  | { ok: false; error: string; crashed?: true }; // crashed: the runner thread died, not the task's fault
export type WorkReply = { id: number; provider?: Provider; items: WorkItem[] } | { log: string };
/** Asks a worker or runner thread to exit at a safe point (between two tasks). */
export type Close = { close: true };

/** Tasks per hand-off to the runner: few enough that it starts early, enough to amortise a message. */
const CHUNK = 8;
/** Hand-offs at the runner at once: one running, one queued, so it never waits for the next. */
const AHEAD = 2;

type Runner = { worker: Worker; waiting: Map<number, { resolve: (r: Ran) => void; reject: (e: Error) => void }> };

const port = parentPort!;
let runner: Runner | undefined;
let nextSeq = 1;
let closing = false;

function startRunner(): Runner {
  const r: Runner = { worker: new Worker(new URL("./thread-entry.mjs", import.meta.url), { name: "par-runner", workerData: { module: "./runner.ts" } }), waiting: new Map() };
  const fail = (e: Error) => {
    if (runner === r) runner = undefined; // the next request starts a fresh runner
    for (const p of r.waiting.values()) p.reject(e);
    r.waiting.clear();
  };
  r.worker.on("message", (m: RunReply) => {
    if ("log" in m) return port.postMessage({ log: m.log } satisfies WorkReply);
    r.waiting.get(m.seq)?.resolve(m);
    r.waiting.delete(m.seq);
  });
  r.worker.on("error", (e) => fail(new Error(`inference worker crashed: ${e.message}`)));
  r.worker.on("exit", (code) => fail(new Error(`inference worker exited (code ${code})`)));
  return r;
}

type Ran = Exclude<RunReply, { log: string }>;

function run(req: Omit<RunRequest, "seq">): Promise<Ran> {
  const r = (runner ??= startRunner());
  const seq = nextSeq++;
  return new Promise((resolve, reject) => {
    r.waiting.set(seq, { resolve, reject });
    r.worker.postMessage({ ...req, seq } satisfies RunRequest, [req.buffer]);
  });
}

type Decoded = { index: number; inputs: Tensor[]; ms: number };

/** Requests with hand-offs not yet sent (`starts`), taking turns; `ahead`: hand-offs at the runner. */
type Turn = { starts: (() => void)[] };
const turns: Turn[] = [];
let ahead = 0;

function pump(): void {
  while (!closing && ahead < AHEAD && turns.length > 0) {
    const turn = turns.shift()!;
    const start = turn.starts.shift()!;
    if (turn.starts.length > 0) turns.push(turn);
    ahead++;
    start();
  }
}

function enqueue(turn: Turn, start: () => void): void {
  turn.starts.push(start);
  if (turn.starts.length === 1) turns.push(turn); // not in line yet (or its last hand-off left)
  pump();
}

/** Called first when a hand-off comes back: the next one leaves before this one's outputs are hashed. */
function returned(): void {
  ahead--;
  pump();
}

async function serve(req: WorkRequest): Promise<void> {
  const { sig } = req;
  const items: WorkItem[] = new Array(req.bundles.length);
  let provider: Provider | undefined;
  const runs: Promise<void>[] = [];
  const fail = (tasks: Decoded[], error: string, crashed?: true) => {
    const item: WorkItem = crashed ? { ok: false, error, crashed } : { ok: false, error };
    if (tasks.length === 0) items.push(item); // a warm-up reports its failure
    for (const t of tasks) items[t.index] ??= item;
  };
  const send = async (tasks: Decoded[]) => {
    let reply: Ran;
    try {
      reply = await run({ modelPath: req.modelPath, provider: req.provider, inputs: sig.inputs, outputs: sig.outputs, buffer: packTensors(tasks.map((t) => t.inputs)) });
    } catch (e) {
      return fail(tasks, (e as Error).message, true); // the runner died; a fresh one takes the next hand-off
    } finally {
      returned();
    }
    if ("error" in reply) return fail(tasks, reply.error);
    provider = reply.provider;
    unpackTensors(reply.buffer).forEach((outputs, i) => {
      const { index, ms } = tasks[i];
      const error = reply.errors[i];
      if (error !== null) return void (items[index] = { ok: false, error });
      const t0 = performance.now();
      try {
        items[index] = { ok: true, ...commitOutputs(sig, outputs), ms: ms + reply.ms[i] + performance.now() - t0 };
      } catch (e) {
        items[index] = { ok: false, error: (e as Error).message };
      }
    });
  };
  const turn: Turn = { starts: [] };
  const handOff = (tasks: Decoded[]) =>
    runs.push(new Promise<void>((done) => enqueue(turn, () => void send(tasks).catch((e: Error) => fail(tasks, e.message)).then(done))));
  let chunk: Decoded[] = [];
  req.bundles.forEach((bundle, index) => {
    const t0 = performance.now();
    try {
      chunk.push({ index, inputs: decodeBundle(sig.inputs, bundle, sig.maxInputBytes), ms: performance.now() - t0 });
    } catch (e) {
      items[index] = { ok: false, error: (e as Error).message };
    }
    if (chunk.length === CHUNK) {
      handOff(chunk);
      chunk = [];
    }
  });
  if (chunk.length > 0 || req.bundles.length === 0) handOff(chunk); // an empty request loads the model (warm-up)
  await Promise.all(runs);
  const transfer = items.flatMap((i) => (i.ok ? [i.canonical.buffer as ArrayBuffer] : []));
  port.postMessage({ id: req.id, provider, items } satisfies WorkReply, transfer);
}

function close(): void {
  closing = true;
  if (!runner) process.exit(0);
  runner.worker.once("exit", () => process.exit(0));
  runner.worker.postMessage({ close: true } satisfies Close);
}

port.on("message", (m: WorkRequest | Close) => {
  if ("close" in m) return close();
  serve(m).catch((e: Error) => {
    const error = `inference worker failed: ${e.message}`;
    port.postMessage({ id: m.id, items: m.bundles.map(() => ({ ok: false, error, crashed: true })) } satisfies WorkReply);
  });
});
