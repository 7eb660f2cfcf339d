/**
 * ONNX Runtime sessions. The canonical path is the CPU execution provider with one intra-op
 * thread (docs/design.md §6). CUDA is tried only when asked; if it cannot start, the session falls
 * back to CPU and says so through `onLog`.
 */
import ort from "onnxruntime-node";
import { commitOutputs } from "./canonical.js";
import { decodeBundle, DType, type DTypeCode, type Tensor, type TensorData, type TensorSpec } from "./tensors.js";

export type Provider = "cpu" | "cuda";
export type SessionOptions = { provider?: Provider; intraOpThreads?: number; onLog?: (msg: string) => void };
export type LoadedSession = { session: ort.InferenceSession; provider: Provider };

/** What a keeper needs to know about a model to run a task and commit to its result. */
export type ModelSignature = {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  outputDecimals: number;
  maxInputBytes?: number;
  maxOutputBytes?: number;
};

// ORT's own logger prints provider-load failures to stderr; errors reach us as exceptions anyway.
ort.env.logLevel = "fatal";

const ORT_TYPE: Record<DTypeCode, "float32" | "int64" | "int32" | "uint8"> = { 1: "float32", 2: "int64", 3: "int32", 4: "uint8" };
const FROM_ORT: Record<string, DTypeCode> = { float32: DType.float32, int64: DType.int64, int32: DType.int32, uint8: DType.uint8 };

export async function loadSession(model: Uint8Array | string, opts: SessionOptions = {}): Promise<LoadedSession> {
  const base: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.intraOpThreads ?? 1,
    interOpNumThreads: 1,
    executionMode: "sequential",
    graphOptimizationLevel: "all",
  };
  const create = (o: ort.InferenceSession.SessionOptions) =>
    typeof model === "string" ? ort.InferenceSession.create(model, o) : ort.InferenceSession.create(model, o);
  if (opts.provider === "cuda") {
    try {
      return { session: await create({ ...base, executionProviders: ["cuda"], logSeverityLevel: 4 }), provider: "cuda" };
    } catch (e) {
      opts.onLog?.(`CUDA execution provider unavailable (${firstLine(e)}); falling back to CPU`);
    }
  }
  return { session: await create({ ...base, executionProviders: ["cpu"] }), provider: "cpu" };
}

const firstLine = (e: unknown) => String((e as Error)?.message ?? e).split("\n")[0];

/** Checks that a session's declared inputs/outputs match the on-chain signature. */
export function checkSignature(session: ort.InferenceSession, sig: Pick<ModelSignature, "inputs" | "outputs">): void {
  const names = (specs: TensorSpec[]) => specs.map((s) => s.name).join(",");
  if (names(sig.inputs) !== session.inputNames.join(",")) {
    throw new Error(`model inputs: registry declares [${names(sig.inputs)}], the ONNX file has [${session.inputNames.join(",")}]`);
  }
  if (names(sig.outputs) !== session.outputNames.join(",")) {
    throw new Error(`model outputs: registry declares [${names(sig.outputs)}], the ONNX file has [${session.outputNames.join(",")}]`);
  }
}

/** Runs typed tensors through a session; returns the outputs in declared order. */
export async function runTensors(session: ort.InferenceSession, sig: Pick<ModelSignature, "inputs" | "outputs">, inputs: Tensor[]): Promise<Tensor[]> {
  const feeds: Record<string, ort.Tensor> = {};
  sig.inputs.forEach((spec, i) => {
    feeds[spec.name] = new ort.Tensor(ORT_TYPE[spec.dtype], inputs[i].data as never, inputs[i].dims);
  });
  const res = await session.run(feeds);
  return sig.outputs.map((spec) => {
    const t = res[spec.name];
    const dtype = FROM_ORT[t.type];
    if (!dtype) throw new Error(`output "${spec.name}": dtype ${t.type} is not supported (float32, int64, int32, uint8)`);
    return { dtype, dims: [...t.dims], data: t.data as TensorData };
  });
}

export type TaskResult = { canonical: Uint8Array; resultHash: `0x${string}` };

/**
 * The whole keeper computation for one task, in this thread: decode + validate the bundle, run,
 * canonicalise, hash. The pool (`pool.ts`) computes the same result with the stages split over
 * two threads.
 */
export async function runBundle(session: ort.InferenceSession, sig: ModelSignature, bundle: Uint8Array): Promise<TaskResult> {
  checkSignature(session, sig);
  const inputs = decodeBundle(sig.inputs, bundle, sig.maxInputBytes);
  return commitOutputs(sig, await runTensors(session, sig, inputs));
}
