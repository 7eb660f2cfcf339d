/**
 * Builds the policy's ONNX graph (keepers/models/policy.onnx) from its integer weights with
 * onnx-proto: int64 only, opset 13, the same computation as `policyForward` (./forward.ts), and
 * byte-identical for the same weights (no timestamps, fixed node order and names).
 *
 * Ops used, all on int64 and all run exactly by onnxruntime-node's CPU provider
 * (test/policy-model.test.ts): Slice, Unsqueeze, Less, Greater, Where, Cast (bool → int64), ReduceSum,
 * Mul, Div, Sub, Gather, Concat, MatMul, Add.
 *
 * Not Max, Min or Clip: onnxruntime-node 1.30's CPU kernels for them on int64 compare wrongly when
 * both operands share their upper 32 bits and the lower halves differ in bit 31 (Max(2^31, 0) came
 * back 0, Clip(3,163,558,318, 0, 10^14) too). Clipping is therefore Where(Less(v, lo), lo, v),
 * then Where(Greater(v, hi), hi, v), which it computes exactly.
 */
import { encodeModel, sha256 } from "../../src/models.js";
import { DType, type TensorSpec } from "../../src/tensors.js";
import {
  DELTA_CAP,
  FEATURES,
  FEE_MAX,
  FEE_MIN,
  GROWTH_CAP,
  HIDDEN_CAP,
  HIDDEN_DIV,
  INPUT_CAP,
  LEVEL_CAP,
  MAGNITUDE_THRESHOLDS,
  MAGNITUDE_UNIT,
  MULTIPLIER_MAX,
  MULTIPLIER_MIN,
  OUT_DIV,
  RATIOS,
  type PolicyWeights,
} from "./forward.js";

export const POLICY_FORMAT = "paradigm-policy-v1";
export const POLICY_INPUTS: TensorSpec[] = [{ name: "metrics", dtype: DType.int64, shape: [1, 16] }];
export const POLICY_OUTPUTS: TensorSpec[] = [{ name: "policy", dtype: DType.int64, shape: [1, 2] }];
/**
 * Largest |weight| and |bias|: with |features| ≤ 30,000 and at most 64 hidden units, no int64
 * intermediate passes about 2^51 (|F·W1 + b1| ≤ 1.6e12, |h·W2 + b2| ≤ 1.7e12, × feeMul ≤ 1.7e15).
 */
export const WEIGHT_LIMIT = 1_000_000;
export const BIAS_LIMIT = 1_000_000_000_000;
export const MAX_HIDDEN = 64;

/** Throws unless `w` is a well-formed set of integer weights this builder and policyForward accept. */
export function checkWeights(w: PolicyWeights): void {
  if (w.format !== POLICY_FORMAT) throw new Error(`policy weights: format "${w.format}", expected "${POLICY_FORMAT}"`);
  const hidden = w.b1.length;
  if (hidden < 1 || hidden > MAX_HIDDEN) throw new Error(`policy weights: ${hidden} hidden units, expected 1..${MAX_HIDDEN}`);
  const ints = (name: string, a: number[], n: number, limit = WEIGHT_LIMIT) => {
    if (a.length !== n) throw new Error(`policy weights: ${name} has ${a.length} elements, expected ${n}`);
    for (const v of a) if (!Number.isSafeInteger(v) || Math.abs(v) > limit) throw new Error(`policy weights: ${name} holds ${v}, not an integer within ±${limit}`);
  };
  if (w.w1.length !== FEATURES) throw new Error(`policy weights: w1 has ${w.w1.length} rows, expected ${FEATURES}`);
  w.w1.forEach((row, i) => ints(`w1[${i}]`, row, hidden));
  ints("b1", w.b1, hidden, BIAS_LIMIT);
  if (w.w2.length !== hidden) throw new Error(`policy weights: w2 has ${w.w2.length} rows, expected ${hidden}`);
  w.w2.forEach((row, i) => ints(`w2[${i}]`, row, 2));
  ints("b2", w.b2, 2, BIAS_LIMIT);
  ints("feeMul", [w.feeMul], 1);
  if (w.feeMul < 0) throw new Error("policy weights: feeMul must be ≥ 0");
}

const i64 = (name: string, dims: number[], values: (bigint | number)[]) => ({
  name,
  dataType: 7,
  dims,
  int64Data: values.map((v) => Number(v)),
});

/** The ONNX bytes of the policy with weights `w`. */
export function buildPolicyOnnx(w: PolicyWeights, extraOutputs: TensorSpec[] = []): Uint8Array {
  checkWeights(w);
  const hidden = w.b1.length;
  const init = [
    i64("zero", [], [0]),
    i64("one", [], [1]),
    i64("input_cap", [], [INPUT_CAP]),
    i64("s_l", [1], [0]),
    i64("e_l", [1], [8]),
    i64("s_p", [1], [8]),
    i64("e_p", [1], [16]),
    i64("s_0", [1], [0]),
    i64("e_5", [1], [5]),
    i64("s_5", [1], [5]),
    i64("e_8", [1], [8]),
    i64("axis1", [1], [1]),
    i64("axis2", [1], [2]),
    i64("mag_thresholds", [MAGNITUDE_THRESHOLDS.length], MAGNITUDE_THRESHOLDS.map((t) => t - 1n)),
    i64("mag_unit", [], [MAGNITUDE_UNIT]),
    i64("level_cap", [], [LEVEL_CAP]),
    i64("bps", [], [10_000]),
    i64("growth_cap", [], [GROWTH_CAP]),
    i64("delta_lo", [], [-DELTA_CAP]),
    i64("delta_hi", [], [DELTA_CAP]),
    i64("ratio_num", [RATIOS.length], RATIOS.map((r) => r[0])),
    i64("ratio_den", [RATIOS.length], RATIOS.map((r) => r[1])),
    i64("ratio_scale", [RATIOS.length], RATIOS.map((r) => r[2])),
    i64("W1", [FEATURES, hidden], w.w1.flat()),
    i64("b1", [hidden], w.b1),
    i64("hidden_div", [], [HIDDEN_DIV]),
    i64("hidden_cap", [], [HIDDEN_CAP]),
    i64("W2", [hidden, 2], w.w2.flat()),
    i64("b2", [2], w.b2),
    i64("out_div", [], [OUT_DIV]),
    i64("out_mul", [2], [1, w.feeMul]),
    i64("out_add", [2], [10_000, 0]),
    i64("out_lo", [2], [MULTIPLIER_MIN, FEE_MIN]),
    i64("out_hi", [2], [MULTIPLIER_MAX, FEE_MAX]),
  ];
  const n = (opType: string, input: string[], output: string, attribute?: object[]) => ({
    opType,
    input,
    output: [output],
    name: output,
    ...(attribute && { attribute }),
  });
  // max(v, lo) and min(v, hi) as Where(Less/Greater): see the header for why not Max, Min or Clip
  const atLeast = (v: string, lo: string, out: string) => [n("Less", [v, lo], `${out}_lt`), n("Where", [`${out}_lt`, lo, v], out)];
  const atMost = (v: string, hi: string, out: string) => [n("Greater", [v, hi], `${out}_gt`), n("Where", [`${out}_gt`, hi, v], out)];
  const clip = (v: string, lo: string, hi: string, out: string) => [...atLeast(v, lo, `${out}_lo`), ...atMost(`${out}_lo`, hi, out)];
  /** Half-decade magnitude of a [1,k] tensor: Σ_t [v ≥ t] × MAGNITUDE_UNIT (v ≥ t ⟺ v > t − 1). */
  const magnitude = (v: string, out: string) => [
    n("Unsqueeze", [v, "axis2"], `${out}_u`),
    n("Greater", [`${out}_u`, "mag_thresholds"], `${out}_gt`),
    n("Cast", [`${out}_gt`], `${out}_gti`, [{ name: "to", type: 2, i: 7 }]),
    n("ReduceSum", [`${out}_gti`, "axis2"], `${out}_n`, [{ name: "keepdims", type: 2, i: 0 }]),
    n("Mul", [`${out}_n`, "mag_unit"], out),
  ];
  const nodes = [
    ...clip("metrics", "zero", "input_cap", "x"),
    n("Slice", ["x", "s_l", "e_l", "axis1"], "L"),
    n("Slice", ["x", "s_p", "e_p", "axis1"], "P"),
    n("Slice", ["L", "s_0", "e_5", "axis1"], "L5"),
    n("Slice", ["L", "s_5", "e_8", "axis1"], "Lb"),
    n("Slice", ["P", "s_0", "e_5", "axis1"], "P5"),
    n("Slice", ["P", "s_5", "e_8", "axis1"], "Pb"),
    // magnitudes of tasks, work, fees, requesters, keepers
    ...magnitude("L5", "f_mag"),
    // bps levels
    ...atMost("Lb", "level_cap", "f_level"),
    // growth latest × 10,000 / max(previous, 1), capped
    n("Mul", ["L5", "bps"], "g_num"),
    ...atLeast("P5", "one", "g_den"),
    n("Div", ["g_num", "g_den"], "g_raw"),
    ...atMost("g_raw", "growth_cap", "f_growth"),
    // bps deltas
    n("Sub", ["Lb", "Pb"], "d_raw"),
    ...clip("d_raw", "delta_lo", "delta_hi", "f_delta"),
    // ratio magnitudes
    n("Gather", ["L", "ratio_num"], "r_num0", [{ name: "axis", type: 2, i: 1 }]),
    n("Mul", ["r_num0", "ratio_scale"], "r_num"),
    n("Gather", ["L", "ratio_den"], "r_den0", [{ name: "axis", type: 2, i: 1 }]),
    ...atLeast("r_den0", "one", "r_den"),
    n("Div", ["r_num", "r_den"], "r_raw"),
    ...magnitude("r_raw", "f_ratio"),
    n("Concat", ["f_mag", "f_level", "f_growth", "f_delta", "f_ratio"], "features", [{ name: "axis", type: 2, i: 1 }]),
    // hidden layer: clip((F·W1 + b1) / 10^4, 0, 10^4)
    n("MatMul", ["features", "W1"], "z1_mm"),
    n("Add", ["z1_mm", "b1"], "z1_b"),
    n("Div", ["z1_b", "hidden_div"], "z1"),
    ...clip("z1", "zero", "hidden_cap", "h"),
    // output layer: (h·W2 + b2) / 10^3, then (10,000 + o0, o1 × feeMul) clipped into POLICY_OUTPUT
    n("MatMul", ["h", "W2"], "z2_mm"),
    n("Add", ["z2_mm", "b2"], "z2_b"),
    n("Div", ["z2_b", "out_div"], "z2"),
    n("Mul", ["z2", "out_mul"], "o_mul"),
    n("Add", ["o_mul", "out_add"], "o_add"),
    ...clip("o_add", "out_lo", "out_hi", "policy"),
  ];
  return encodeModel(nodes, POLICY_INPUTS, [...POLICY_OUTPUTS, ...extraOutputs], init, "policy");
}

export { sha256 };
