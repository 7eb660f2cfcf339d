/**
 * The emission policy model (docs/policy.md): onnxruntime-node (CPU, one intra-op thread, as
 * keepers run it) and the BigInt forward pass (keepers/policy/model/forward.ts, the source of the
 * Chainlink Functions evaluator) agree exactly, never leave POLICY_OUTPUT, and the checked-in
 * keepers/models/policy.onnx is what onnx.ts builds from keepers/policy/genesis-policy.json.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";
import { loadSession } from "../keepers/src/inference.js";
import { POLICY_MODEL, prng, sha256 } from "../keepers/src/models.js";
import { policyDecision, POLICY_INPUT_LENGTH, POLICY_OUTPUT } from "../keepers/src/policy-io.js";
import { FEATURES, INPUT_CAP, MAGNITUDE_THRESHOLDS, policyFeatures, policyForward, type PolicyWeights } from "../keepers/policy/model/forward.js";
import { BIAS_LIMIT, buildPolicyOnnx, POLICY_FORMAT, POLICY_INPUTS, POLICY_OUTPUTS, WEIGHT_LIMIT } from "../keepers/policy/model/onnx.js";

/** sha256 of keepers/models/policy.onnx, as `npm run policy:train` prints it. */
const POLICY_SHA256 = "0xf15dfe9eb6cd9a33958b8060f27eaa382c7a61a6966d28e17d9a76c55c9dad51";

const genesis = (): PolicyWeights => JSON.parse(readFileSync("keepers/policy/genesis-policy.json", "utf8"));
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/** Values that stress int64 kernels: zero, extremes, the caps and thresholds ± 1, halves of 2^32 words. */
function edgeValues(): bigint[] {
  const v = [0n, 1n, -1n, 2n, INT64_MAX, INT64_MIN, INT64_MAX - 1n, INPUT_CAP - 1n, INPUT_CAP, INPUT_CAP + 1n, 9_999n, 10_000n, 10_001n, 29_999n, 30_000n, 30_001n];
  for (const t of MAGNITUDE_THRESHOLDS) v.push(t - 1n, t, t + 1n);
  for (const hi of [0n, 1n, 5n, 23_283n /* ~1e14 >> 32 */]) for (const lo of [0n, 1n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn]) v.push((hi << 32n) + lo);
  return v;
}

/** 2,000+ inputs: all zeros, epoch 0 (previous all zero), all huge, edges, realistic metrics and noise. */
function inputs(count: number, seed: number): BigInt64Array[] {
  const r = prng(seed);
  const edges = edgeValues();
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const out: BigInt64Array[] = [
    new BigInt64Array(16),
    BigInt64Array.from({ length: 16 }, () => INT64_MAX),
    BigInt64Array.from({ length: 16 }, () => INT64_MIN),
    BigInt64Array.from({ length: 16 }, () => INPUT_CAP),
    BigInt64Array.from({ length: 16 }, (_, i) => (i < 8 ? 1_000n : 0n)),
  ];
  const realistic = () => {
    const tasks = BigInt(Math.floor(10 ** (r() * 6)));
    return [tasks, tasks * BigInt(1 + Math.floor(r() * 1000)), tasks * BigInt(Math.floor(10 ** (r() * 9))), BigInt(Math.floor(r() * 300)), BigInt(Math.floor(r() * 200)), BigInt(Math.floor(r() * 3000)), BigInt(Math.floor(r() * 10_001)), BigInt(Math.floor(r() * 25_000))];
  };
  while (out.length < count) {
    const kind = r();
    let x: bigint[];
    if (kind < 0.3) x = [...realistic(), ...realistic()];
    else if (kind < 0.45) x = [...realistic(), ...new Array(8).fill(0n)]; // epoch 0
    else if (kind < 0.7) x = Array.from({ length: 16 }, () => pick(edges));
    else if (kind < 0.85) x = Array.from({ length: 16 }, () => BigInt.asIntN(64, BigInt(Math.floor(r() * 2 ** 32)) * 2n ** 32n + BigInt(Math.floor(r() * 2 ** 32))));
    else x = Array.from({ length: 16 }, () => BigInt(Math.floor(10 ** (r() * 16))) * (r() < 0.1 ? -1n : 1n));
    out.push(BigInt64Array.from(x));
  }
  return out;
}

/** Random weights up to the validated limit: big products, negative pre-activations, truncating divisions. */
function randomWeights(seed: number, hidden: number, scale: number, biasScale: number): PolicyWeights {
  const r = prng(seed);
  const ri = () => Math.round((r() * 2 - 1) * scale);
  const rb = () => Math.round((r() * 2 - 1) * biasScale);
  return {
    format: POLICY_FORMAT,
    w1: Array.from({ length: FEATURES }, () => Array.from({ length: hidden }, ri)),
    b1: Array.from({ length: hidden }, rb),
    w2: Array.from({ length: hidden }, () => [ri(), ri()]),
    b2: [rb(), rb()],
    feeMul: Math.floor(r() * 100),
  };
}

/** Runs each input through a session made as keepers make theirs (CPU, one intra-op thread). */
async function runOnnx(bytes: Uint8Array, xs: BigInt64Array[]) {
  const { session } = await loadSession(bytes);
  const outs: { policy: bigint[]; features?: bigint[] }[] = [];
  for (const x of xs) {
    const res = await session.run({ metrics: new ort.Tensor("int64", x, [1, 16]) });
    outs.push({ policy: [...(res.policy!.data as BigInt64Array)], features: res.features ? [...(res.features.data as BigInt64Array)] : undefined });
  }
  return outs;
}

describe("policy model: integer-only ONNX = BigInt forward pass", function () {
  this.timeout(120_000);

  it("keepers/models/policy.onnx is what onnx.ts builds from genesis-policy.json, with the pinned sha256", () => {
    const built = buildPolicyOnnx(genesis());
    assert.equal(sha256(buildPolicyOnnx(genesis())), sha256(built), "two builds differ");
    const file = readFileSync("keepers/models/policy.onnx");
    assert.deepEqual(file, Buffer.from(built));
    assert.equal(sha256(file), POLICY_SHA256);
    assert.equal(sha256(POLICY_MODEL.bytes()), POLICY_SHA256);
    assert.deepEqual(POLICY_MODEL.inputs, POLICY_INPUTS);
    assert.deepEqual(POLICY_MODEL.outputs, POLICY_OUTPUTS);
    assert.equal(POLICY_MODEL.inputs[0]!.shape.reduce((a, b) => a * b), POLICY_INPUT_LENGTH);
  });

  it("onnxruntime equals policyForward on 2,400 random and edge inputs, always within POLICY_OUTPUT", async () => {
    const w = genesis();
    const xs = inputs(2_400, 1);
    const got = await runOnnx(POLICY_MODEL.bytes(), xs);
    const differ: string[] = [];
    const seen = { multiplierBps: new Set<bigint>(), minFeePerCU: new Set<bigint>() };
    xs.forEach((x, i) => {
      const want = policyForward(w, x);
      const d = policyDecision(BigInt64Array.from(got[i]!.policy)); // throws when out of range
      if (d.multiplierBps !== want.multiplierBps || d.minFeePerCU !== want.minFeePerCU) differ.push(`[${x.join(",")}]: onnx ${got[i]!.policy.join(",")} forward ${want.multiplierBps},${want.minFeePerCU}`);
      seen.multiplierBps.add(d.multiplierBps);
      seen.minFeePerCU.add(d.minFeePerCU);
    });
    assert.deepEqual(differ.slice(0, 5), []);
    // the trained policy is not a constant
    assert.ok(seen.multiplierBps.size > 1 || seen.minFeePerCU.size > 1, "the genesis policy answers a single decision");
  });

  it("agrees feature for feature and output for output with random weights at the validated limit", async () => {
    const xs = inputs(700, 2);
    for (const [seed, hidden, scale, biasScale] of [
      [3, 8, 1_000, 100_000_000],
      [4, 16, WEIGHT_LIMIT, BIAS_LIMIT],
      [6, 64, WEIGHT_LIMIT, BIAS_LIMIT],
      [5, 1, 50_000, 1_000_000],
    ] as const) {
      const w = randomWeights(seed, hidden, scale, biasScale);
      const spec = { name: "features", dtype: POLICY_OUTPUTS[0]!.dtype, shape: [1, FEATURES] };
      const got = await runOnnx(buildPolicyOnnx(w, [spec]), xs);
      const differ: string[] = [];
      xs.forEach((x, i) => {
        const want = policyForward(w, x);
        const f = policyFeatures(x);
        if (got[i]!.features!.join(",") !== f.join(",")) differ.push(`features of [${x.join(",")}]: onnx ${got[i]!.features!.join(",")} forward ${f.join(",")}`);
        if (got[i]!.policy.join(",") !== `${want.multiplierBps},${want.minFeePerCU}`) differ.push(`[${x.join(",")}]: onnx ${got[i]!.policy.join(",")} forward ${want.multiplierBps},${want.minFeePerCU}`);
        const { multiplierBps: m, minFeePerCU: fee } = POLICY_OUTPUT;
        if (want.multiplierBps < m.min || want.multiplierBps > m.max || want.minFeePerCU < fee.min || want.minFeePerCU > fee.max) differ.push(`out of range: ${want.multiplierBps},${want.minFeePerCU}`);
      });
      assert.deepEqual(differ.slice(0, 5), [], `weights seed ${seed}`);
    }
  });

  it("rejects malformed weights", () => {
    const w = genesis();
    assert.throws(() => buildPolicyOnnx({ ...w, format: "v0" }), /format/);
    assert.throws(() => buildPolicyOnnx({ ...w, b1: [...w.b1, 1] }), /w1\[0\] has|b1 has|w2 has/);
    assert.throws(() => buildPolicyOnnx({ ...w, b2: [1.5, 0] }), /not an integer/);
    assert.throws(() => buildPolicyOnnx({ ...w, feeMul: WEIGHT_LIMIT + 1 }), /feeMul/);
  });

  it("forward.ts is self-contained: it imports types only (the Chainlink Functions source is generated from it)", () => {
    const src = readFileSync("keepers/policy/model/forward.ts", "utf8");
    const imports = src.split("\n").filter((l) => /^\s*import\s/.test(l) || /\brequire\(|\bimport\(/.test(l));
    assert.ok(imports.length > 0);
    for (const l of imports) assert.match(l, /^import type /, l);
  });
});
