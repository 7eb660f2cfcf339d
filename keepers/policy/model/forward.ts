/**
 * The emission policy's forward pass in pure BigInt (docs/policy.md). It computes, integer for
 * integer, what keepers/models/policy.onnx computes (built by ./onnx.ts from the same weights),
 * so that a keeper, a juror and a JavaScript evaluator (Chainlink Functions) agree on every byte.
 *
 * Self-contained on purpose: a Chainlink Functions source is generated from this file with its
 * types stripped, so it imports types only and uses nothing but BigInt arithmetic.
 *
 * Input: int64 [16] = the metrics of the last closed epoch (0–7) and of the one before (8–15) in
 * the order of POLICY_METRICS (keepers/src/policy-io.ts): tasks, work, fees, requesters, keepers,
 * disputeRateBps, herfindahlBps, scheduleBps.
 *
 * Every division truncates toward zero (BigInt `/` and ONNX Runtime's int64 Div agree), and every
 * intermediate stays far below 2^63: inputs are clipped into [0, 10^14] first.
 */
import type { PolicyDecision } from "../../src/policy-io.js";

/** Integer weights of the policy network (keepers/policy/genesis-policy.json). */
export type PolicyWeights = {
  /** "paradigm-policy-v1": the feature set and layout below. */
  format: string;
  /** Features → hidden: FEATURES rows of `hidden` integers. */
  w1: number[][];
  /** Hidden biases. */
  b1: number[];
  /** Hidden → out: `hidden` rows of 2 integers. */
  w2: number[][];
  /** Output biases. */
  b2: number[];
  /** The fee output is multiplied by this before clipping (base units per CU per output unit). */
  feeMul: number;
  /** Free-form provenance (seed, score): not part of the computation. */
  meta?: Record<string, unknown>;
};

/** Inputs are clipped into [0, INPUT_CAP] before anything else. */
export const INPUT_CAP = 100_000_000_000_000n; // 1e14
/** Thresholds of the half-decade "magnitude" feature: 1, 3, 10, 30, …, 3·10^13 (28 of them). */
export const MAGNITUDE_THRESHOLDS: bigint[] = (() => {
  const t: bigint[] = [];
  for (let p = 1n; p <= 10_000_000_000_000n; p *= 10n) t.push(p, 3n * p);
  return t;
})();
/** Feature count: 5 magnitudes, 3 bps levels, 5 growths, 3 bps deltas, 4 ratio magnitudes. */
export const FEATURES = 20;
/** Magnitudes count thresholds passed × 1,000 (0 … 28,000). */
export const MAGNITUDE_UNIT = 1_000n;
/** bps levels are capped at 30,000; growths (latest ×10,000 / previous) too; bps deltas at ±10,000. */
export const LEVEL_CAP = 30_000n;
export const GROWTH_CAP = 30_000n;
export const DELTA_CAP = 10_000n;
/** Hidden pre-activations are divided by 10^4 (truncating), then clipped into [0, HIDDEN_CAP]. */
export const HIDDEN_DIV = 10_000n;
export const HIDDEN_CAP = 10_000n;
/** Outputs are divided by 10^3 (truncating). */
export const OUT_DIV = 1_000n;
/** The ranges of POLICY_OUTPUT (keepers/src/policy-io.ts), inlined to keep this file self-contained. */
export const MULTIPLIER_MIN = 5_000n;
export const MULTIPLIER_MAX = 15_000n;
export const FEE_MIN = 0n;
export const FEE_MAX = 1_000_000n;
/** Ratio features: [numerator, denominator, numerator scale] over the latest epoch's metrics. */
export const RATIOS: [number, number, bigint][] = [
  [2, 1, 1n], // fees per work unit
  [1, 4, 1n], // work per keeper
  [0, 3, 100n], // tasks per requester × 100
  [0, 4, 100n], // tasks per keeper × 100
];

const clip = (v: bigint, lo: bigint, hi: bigint) => (v < lo ? lo : v > hi ? hi : v);
const max1 = (v: bigint) => (v < 1n ? 1n : v);

/** Half-decades of `v`: how many of MAGNITUDE_THRESHOLDS it reaches, × MAGNITUDE_UNIT. */
function magnitude(v: bigint): bigint {
  let n = 0n;
  for (const t of MAGNITUDE_THRESHOLDS) if (v >= t) n++;
  return n * MAGNITUDE_UNIT;
}

/** The 20 integer features of an input (docs/policy.md, "Features"). */
export function policyFeatures(input: BigInt64Array): bigint[] {
  if (input.length !== 16) throw new Error(`a policy input has 16 elements, got ${input.length}`);
  const x: bigint[] = [];
  for (let i = 0; i < 16; i++) x.push(clip(input[i]!, 0n, INPUT_CAP));
  const L = x.slice(0, 8);
  const P = x.slice(8, 16);
  const f: bigint[] = [];
  for (let i = 0; i < 5; i++) f.push(magnitude(L[i]!));
  for (let i = 5; i < 8; i++) f.push(L[i]! < LEVEL_CAP ? L[i]! : LEVEL_CAP);
  for (let i = 0; i < 5; i++) {
    const g = (L[i]! * 10_000n) / max1(P[i]!);
    f.push(g < GROWTH_CAP ? g : GROWTH_CAP);
  }
  for (let i = 5; i < 8; i++) f.push(clip(L[i]! - P[i]!, -DELTA_CAP, DELTA_CAP));
  for (const [num, den, scale] of RATIOS) f.push(magnitude((L[num]! * scale) / max1(L[den]!)));
  return f;
}

/** The policy: the next epoch's multiplier (bps) and minFeePerCU (base units), within POLICY_OUTPUT. */
export function policyForward(weights: PolicyWeights, input: BigInt64Array): PolicyDecision {
  const f = policyFeatures(input);
  const hidden = weights.b1.length;
  const h: bigint[] = [];
  for (let j = 0; j < hidden; j++) {
    let s = 0n;
    for (let i = 0; i < FEATURES; i++) s += f[i]! * BigInt(weights.w1[i]![j]!);
    s = (s + BigInt(weights.b1[j]!)) / HIDDEN_DIV;
    h.push(clip(s, 0n, HIDDEN_CAP));
  }
  const o: bigint[] = [];
  for (let k = 0; k < 2; k++) {
    let s = 0n;
    for (let j = 0; j < hidden; j++) s += h[j]! * BigInt(weights.w2[j]![k]!);
    o.push((s + BigInt(weights.b2[k]!)) / OUT_DIV);
  }
  return {
    multiplierBps: clip(10_000n + o[0]!, MULTIPLIER_MIN, MULTIPLIER_MAX),
    minFeePerCU: clip(o[1]! * BigInt(weights.feeMul), FEE_MIN, FEE_MAX),
  };
}
