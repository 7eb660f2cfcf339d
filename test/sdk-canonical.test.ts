import assert from "node:assert/strict";
import { bytesToHex, keccak256 } from "viem";
import { canonicalize, decodeCanonical, InvalidOutputError, resultHash, withinTolerance } from "../keepers/src/canonical.js";
import { DType, type Tensor, type TensorSpec } from "../keepers/src/tensors.js";

const F: TensorSpec = { name: "y", dtype: DType.float32, shape: [-1] };
const f32 = (...v: number[]): Tensor => ({ dtype: DType.float32, dims: [v.length], data: Float32Array.from(v) });
const elems = (b: Uint8Array) => Array.from(new BigInt64Array(b.slice().buffer));

describe("keeper: canonical outputs and commitment", () => {
  it("quantises floats with round-half-to-even at outputDecimals", () => {
    assert.deepEqual(elems(canonicalize([F], [f32(0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997)], 0)), [0n, 2n, 2n, 0n, -2n, -2n, 0n]);
    assert.deepEqual(elems(canonicalize([F], [f32(0.125, 0.375, -0.125)], 2)), [12n, 38n, -12n]);
    // float32(0.1) = 0.100000001490116..., so 6 decimals give exactly 100000
    assert.deepEqual(elems(canonicalize([F], [f32(0.1, 1 / 3)], 6)), [100000n, 333333n]);
  });
  it("encodes every element as int64 LE: a known byte vector and its keccak256", () => {
    const specs: TensorSpec[] = [F, { name: "l", dtype: DType.int64, shape: [-1] }, { name: "i", dtype: DType.int32, shape: [-1] }, { name: "u", dtype: DType.uint8, shape: [-1] }];
    const bytes = canonicalize(specs, [
      f32(1.5, -0.25),
      { dtype: DType.int64, dims: [1], data: BigInt64Array.of(-(2n ** 63n)) },
      { dtype: DType.int32, dims: [1], data: Int32Array.of(-2) },
      { dtype: DType.uint8, dims: [1], data: Uint8Array.of(255) },
    ], 1);
    const expected =
      "0x0f00000000000000" + "feffffffffffffff" + // 1.5 -> 15; -0.25 -> -2.5 -> -2 (half to even)
      "0000000000000080" + "feffffffffffffff" + "ff00000000000000"; // int64 min; int32 -2; uint8 255
    assert.equal(bytesToHex(bytes), expected);
    assert.equal(resultHash(bytes), keccak256(expected as `0x${string}`));
  });
  it("makes non-finite floats and int64 overflow invalid", () => {
    assert.throws(() => canonicalize([F], [f32(1, NaN)], 2), (e: Error) => e instanceof InvalidOutputError && /output "y": element 1 is NaN/.test(e.message));
    assert.throws(() => canonicalize([F], [f32(Infinity)], 2), /element 0 is Infinity; non-finite outputs are invalid/);
    assert.throws(() => canonicalize([F], [f32(1e12)], 8), /overflows int64 at 8 decimals/);
    assert.throws(() => canonicalize([F], [f32(1e4)], 16), /overflows int64 at 16 decimals/);
  });
  it("gives the same integers on the float64 fast path and the exact BigInt path", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const vals = Array.from({ length: 2000 }, () => Math.fround((rnd() - 0.5) * 10 ** Math.floor(rnd() * 6)));
    vals.push(Math.fround(2.5e-5), Math.fround(-1.25e-3), Math.fround(0.5e-6));
    for (const d of [0, 3, 6, 12]) {
      const fast = elems(canonicalize([F], [f32(...vals)], d));
      // reference: exact rational arithmetic on the float32 value
      const ref = vals.map((x) => exactRef(x, d));
      assert.deepEqual(fast, ref, `decimals ${d}`);
    }
  });
  it("rounds exact ties to even and crosses the int32 and 2^53 boundaries like exact arithmetic", () => {
    const vals: number[] = [];
    for (let i = -40; i <= 40; i++) vals.push(i + 0.5, (i + 0.5) / 2 ** 10, -(i + 0.25)); // ties at 0 decimals; ties at 10 after scaling
    vals.push(2 ** 31, -(2 ** 31), 2147483520, -2147483520, 2 ** 40 + 2 ** 17, 2 ** 53, -(2 ** 60));
    for (const d of [0, 1, 3, 10, 12]) {
      vals.push(...[2 ** 31, -(2 ** 31), 2 ** 31 - 2 ** 7, -(2 ** 31 - 2 ** 7)].map((v) => v / 10 ** d)); // near the int32 edge after scaling
      const xs = vals.map(Math.fround).filter((x) => Math.abs(x) * 10 ** d < 2 ** 62);
      const got = elems(canonicalize([F], [f32(...xs)], d));
      assert.deepEqual(got, xs.map((x) => exactRef(x, d)), `decimals ${d}`);
    }
    const ints = Int32Array.of(-(2 ** 31), -1, 0, 1, 2 ** 31 - 1);
    assert.deepEqual(elems(canonicalize([{ name: "i", dtype: DType.int32, shape: [-1] }], [{ dtype: DType.int32, dims: [5], data: ints }], 4)), Array.from(ints, BigInt));
  });
  it("rejects an output whose dtype or count differs from the signature", () => {
    assert.throws(() => canonicalize([F], [{ dtype: DType.int32, dims: [1], data: Int32Array.of(1) }], 2), /output "y": dtype expected float32, got int32/);
    assert.throws(() => canonicalize([F, F], [f32(1)], 2), /model produced 1 tensor\(s\), its signature declares 2/);
  });
  it("compares within tolerance element-wise, and never across different lengths", () => {
    const a = canonicalize([F], [f32(1.0, 2.0)], 3);
    const b = canonicalize([F], [f32(1.002, 1.998)], 3);
    assert.equal(withinTolerance(a, b, 2), true);
    assert.equal(withinTolerance(a, b, 1), false);
    assert.equal(withinTolerance(a, a.subarray(0, 8), 1000), false);
  });
  it("decodes canonical bytes to named outputs, resolving the shared dynamic dim", () => {
    const specs: TensorSpec[] = [{ name: "p", dtype: DType.float32, shape: [-1, 3] }, { name: "l", dtype: DType.int64, shape: [-1] }];
    const bytes = canonicalize(specs, [
      { dtype: DType.float32, dims: [2, 3], data: Float32Array.of(0.5, 0.25, 0.25, 0.125, 0.5, 0.375) },
      { dtype: DType.int64, dims: [2], data: BigInt64Array.of(0n, 1n) },
    ], 3);
    const out = decodeCanonical(specs, bytes, 3);
    assert.deepEqual(out[0].dims, [2, 3]);
    assert.deepEqual(out[0].values, [0.5, 0.25, 0.25, 0.125, 0.5, 0.375]);
    assert.deepEqual(out[1].values, [0n, 1n]);
    assert.throws(() => decodeCanonical(specs, bytes.subarray(0, 8 * 5), 3), /do not fit the output signature/);
  });
});

function exactRef(x: number, d: number): bigint {
  // x = n / 2^k exactly; q = round_half_even(n * 10^d / 2^k)
  let k = 0n;
  let v = x;
  while (!Number.isInteger(v)) { v *= 2; k++; }
  const num = BigInt(v) * 10n ** BigInt(d);
  const den = 1n << k;
  const neg = num < 0n;
  const a = neg ? -num : num;
  let q = a / den;
  const r2 = (a - q * den) * 2n;
  if (r2 > den || (r2 === den && q % 2n === 1n)) q++;
  return neg ? -q : q;
}
