/**
 * A ModelDef for your own .onnx file (`par models register FILE`): the file says its inputs and
 * outputs and its sha256; the proposer says only what a file cannot (its price in compute units,
 * how floats are committed, how large inputs may be). Byte limits follow from the shapes when
 * every dimension is fixed, or from `maxDim`, the most any dynamic dimension may be.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import onnxPkg from "onnx-proto";
import { loadSession } from "./inference.js";
import type { ModelDef } from "./models.js";
import { DType, dtypeSize, elementCount, type DTypeName, type TensorSpec } from "./tensors.js";

const { onnx } = onnxPkg;

/** What the proposer decides; every field is a ModelDef field (see models.ts) except `maxDim`. */
export type ModelFileOptions = {
  /** Where keepers fetch the file (file:, https:, npm:, data:); default the file's own file: URL. */
  uri?: string;
  computeUnits?: number;
  outputDecimals?: number;
  tolerance?: number;
  maxInputBytes?: number;
  maxOutputBytes?: number;
  /** The most any dynamic dimension may be: sets the byte limits not given. */
  maxDim?: number;
};

/**
 * Float outputs are committed at 4 decimals with a tolerance of 2 by default, as Silero VAD is: a
 * float32 holds ~7 significant digits, so more decimals only pay off for outputs well below 1.
 */
export const FLOAT_DEFAULTS = { outputDecimals: 4, tolerance: 2 } as const;
const UINT32_MAX = 0xffffffff;
/** The registry's cap (ModelSpecs.MAX_OUTPUT_DECIMALS). */
const MAX_DECIMALS = 18;

function inRange(what: string, v: number, min: number, max: number) {
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`${what} must be an integer in ${min}..${max}, got ${v}`);
}

/**
 * The IO of an ONNX model as the registry records it, read by ONNX Runtime itself (the runtime
 * keepers use, so a file it cannot load is refused here rather than by every keeper later). A
 * symbolic or unknown dimension is dynamic (-1).
 */
export async function readOnnxSignature(bytes: Uint8Array): Promise<{ inputs: TensorSpec[]; outputs: TensorSpec[] }> {
  const { session } = await loadSession(bytes).catch((e: Error) => {
    throw new Error(`ONNX Runtime, which keepers run, cannot load this model: ${e.message.split("\n")[0]}`);
  });
  const unshaped = undeclaredShapes(bytes);
  try {
    const specs = (role: string, metas: typeof session.inputMetadata) =>
      metas.map((m): TensorSpec => {
        if (!m.isTensor) throw new Error(`${role} "${m.name}" is not a tensor (a sequence or map); the registry takes tensors only`);
        const dtype = DType[m.type as DTypeName];
        if (!dtype) throw new Error(`${role} "${m.name}" is ${m.type}; the registry takes float32, int64, int32 and uint8 (cast it in the graph)`);
        if (unshaped.has(m.name)) throw new Error(`${role} "${m.name}" declares no shape, so its rank is unknown; export the model with shapes (symbolic dims are fine)`);
        return { name: m.name, dtype, shape: m.shape.map((d) => (typeof d === "number" && d > 0 ? d : -1)) };
      });
    return { inputs: specs("input", session.inputMetadata), outputs: specs("output", session.outputMetadata) };
  } finally {
    await session.release();
  }
}

/**
 * Names of the graph's inputs and outputs that declare no shape. ONNX Runtime reports those as
 * rank 0, like a scalar, so the file itself is asked.
 */
function undeclaredShapes(bytes: Uint8Array): Set<string> {
  const graph = onnx.ModelProto.decode(bytes).graph;
  const values = [...(graph?.input ?? []), ...(graph?.output ?? [])];
  return new Set(values.filter((v) => !v.type?.tensorType?.shape).map((v) => v.name ?? ""));
}

/** Bytes of the canonical input bundle (docs/keeper.md) when every dynamic dim is `maxDim`. */
export function inputBundleBytes(inputs: readonly TensorSpec[], maxDim: number): number {
  return inputs.reduce((n, s) => n + 1 + 4 * s.shape.length + elementCount(fill(s.shape, maxDim)) * dtypeSize(s.dtype), 1);
}

/** Bytes of the canonical output (8 per element) when every dynamic dim is `maxDim`. */
export function canonicalOutputBytes(outputs: readonly TensorSpec[], maxDim: number): number {
  return outputs.reduce((n, s) => n + 8 * elementCount(fill(s.shape, maxDim)), 0);
}

const fill = (shape: readonly number[], maxDim: number) => shape.map((d) => (d < 0 ? maxDim : d));
const dynamic = (specs: readonly TensorSpec[]) => specs.filter((s) => s.shape.some((d) => d < 0));
const shapeText = (s: TensorSpec) => `${s.name} [${s.shape.map((d) => (d < 0 ? "?" : d)).join(",")}]`;

/** A byte limit: given, or computed from the shapes; an error names the option when it can be neither. */
function limit(field: "maxInputBytes" | "maxOutputBytes", given: number | undefined, specs: readonly TensorSpec[], maxDim: number | undefined, size: (maxDim: number) => number): number {
  const flag = field === "maxInputBytes" ? "--max-input-bytes" : "--max-output-bytes";
  const open = dynamic(specs);
  const bytes = given ?? (open.length === 0 ? size(1) : maxDim !== undefined ? size(maxDim) : undefined);
  if (bytes === undefined) {
    throw new Error(`${field} (${flag}) is missing: ${open.map(shapeText).join(", ")} ${open.length > 1 ? "have" : "has"} dynamic dims; ` +
      `give the limit in bytes, or maxDim (--max-dim <n>), the most any dynamic dim may be, to compute it`);
  }
  inRange(`${field} (${flag})`, bytes, 1, UINT32_MAX);
  return bytes;
}

/** The ModelDef to propose for the .onnx file at `file`. */
export async function modelFromFile(file: string, opts: ModelFileOptions): Promise<ModelDef> {
  const bytes = readFileSync(file);
  const { inputs, outputs } = await readOnnxSignature(bytes);
  if (opts.computeUnits === undefined) {
    throw new Error("computeUnits (--cu <n>) is missing: the compute units one inference costs, which prices its fee (the genesis MLP is 1, Silero VAD 20)");
  }
  inRange("computeUnits (--cu)", opts.computeUnits, 1, UINT32_MAX);
  if (opts.outputDecimals !== undefined) inRange("outputDecimals (--decimals)", opts.outputDecimals, 0, MAX_DECIMALS);
  if (opts.tolerance !== undefined) inRange("tolerance (--tolerance)", opts.tolerance, 0, UINT32_MAX);
  const floats = outputs.some((s) => s.dtype === DType.float32);
  return {
    key: path.basename(file, ".onnx"),
    description: `${path.basename(file)}: ${inputs.map(shapeText).join(", ")} → ${outputs.map(shapeText).join(", ")}`,
    bytes: () => bytes,
    uri: opts.uri ?? pathToFileURL(path.resolve(file)).href,
    inputs,
    outputs,
    computeUnits: opts.computeUnits,
    maxInputBytes: limit("maxInputBytes", opts.maxInputBytes, inputs, opts.maxDim, (n) => inputBundleBytes(inputs, n)),
    maxOutputBytes: limit("maxOutputBytes", opts.maxOutputBytes, outputs, opts.maxDim, (n) => canonicalOutputBytes(outputs, n)),
    // integer outputs are committed as they are: decimals and tolerance only matter for floats
    outputDecimals: opts.outputDecimals ?? (floats ? FLOAT_DEFAULTS.outputDecimals : 0),
    tolerance: opts.tolerance ?? (floats ? FLOAT_DEFAULTS.tolerance : 0),
  };
}
