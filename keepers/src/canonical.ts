/**
 * Canonical outputs and the result commitment (docs/keeper.md, "Canonical forms"):
 * outputs in declared order, every element an int64 LE; float32 elements quantised
 * q = roundHalfEven(x * 10^outputDecimals), integers copied exactly; a non-finite float or a
 * quantised value outside int64 makes the output invalid. resultHash = keccak256(bytes).
 *
 * Exactness: a float32 is m·2^e with |m| < 2^24, and 10^d = 5^d·2^d, so x·10^d is exact in a
 * float64 whenever 5^d < 2^29, i.e. d <= 12. For d <= 12 the fast path multiplies in float64
 * and rounds exactly; for d > 12 an exact BigInt path is used. Both give the same integer on
 * every conforming machine.
 */
import { createKeccak } from "hash-wasm";
import type { Hex } from "viem";
import { DType, dtypeName, elementCount, type Tensor, type TensorSpec } from "./tensors.js";

const TWO63 = 2 ** 63;
/**
 * 1.5·2^52: for |y| < 2^51, y + ROUND lies in [2^52, 2^53) where doubles are exactly the
 * integers, so the addition rounds y to an integer in the FPU's default mode, round half to
 * even (ROUND is even, so the parity is y's); subtracting ROUND back is exact. ~4x faster than
 * Math.round plus a tie fix-up.
 */
const ROUND = 1.5 * 2 ** 52;
/** WASM keccak-256: ~15x faster than the pure-JS one on large outputs; same digest. */
const keccak = await createKeccak(256);

/** Raised when a model's output cannot be made canonical (non-finite, overflow, wrong dtype). */
export class InvalidOutputError extends Error {}

function exactQuantise(x: number, decimals: number): bigint {
  // x is a float32 value held in a double: decompose exactly as m * 2^e.
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  const bits = buf.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e: number;
  if (exp === 0) e = -1074;
  else {
    mant |= 1n << 52n;
    e = exp - 1075;
  }
  const num = mant * 10n ** BigInt(decimals);
  let q: bigint;
  if (e >= 0) q = num << BigInt(e);
  else {
    const den = 1n << BigInt(-e);
    q = num / den;
    const rem = num - q * den;
    const twice = rem * 2n;
    if (twice > den || (twice === den && q % 2n === 1n)) q += 1n;
  }
  return sign * q;
}

/** Canonical bytes of a model's outputs (declared order). */
export function canonicalize(specs: readonly TensorSpec[], outputs: readonly Tensor[], outputDecimals: number): Uint8Array {
  if (outputs.length !== specs.length) {
    throw new InvalidOutputError(`output: model produced ${outputs.length} tensor(s), its signature declares ${specs.length}`);
  }
  const total = outputs.reduce((a, t) => a + t.data.length, 0);
  const out = new Uint8Array(total * 8);
  const i64 = new BigInt64Array(out.buffer);
  const i32 = new Int32Array(out.buffer); // element k = i32[2k] (low word), i32[2k+1] (high word), LE
  let k = 0;
  outputs.forEach((t, idx) => {
    const spec = specs[idx];
    if (t.dtype !== spec.dtype) {
      throw new InvalidOutputError(`output "${spec.name}": dtype expected ${dtypeName(spec.dtype)}, got ${dtypeName(t.dtype)}`);
    }
    switch (t.dtype) {
      case DType.float32: {
        const d = t.data as Float32Array;
        const scale = 10 ** outputDecimals;
        const fast = outputDecimals <= 12;
        for (let j = 0; j < d.length; j++, k++) {
          if (fast) {
            const y = d[j] * scale; // exact (see above)
            if (y > -2147483648 && y < 2147483647) { // an int32 result; false for NaN and ±Inf
              const q = y + ROUND - ROUND; // round half to even (see ROUND)
              i32[2 * k] = q;
              i32[2 * k + 1] = q >> 31;
              continue;
            }
          }
          i64[k] = quantiseWide(spec.name, j, d[j], outputDecimals);
        }
        break;
      }
      case DType.int64:
        i64.set(t.data as BigInt64Array, k);
        k += t.data.length;
        break;
      case DType.int32:
      case DType.uint8: {
        const d = t.data as Int32Array | Uint8Array;
        for (let j = 0; j < d.length; j++, k++) {
          const v = d[j];
          i32[2 * k] = v;
          i32[2 * k + 1] = v >> 31;
        }
        break;
      }
    }
  });
  return out;
}

/** One float32 element whose quantised value may not fit an int32 (or is not finite). */
function quantiseWide(name: string, j: number, x: number, decimals: number): bigint {
  if (x !== x || x === Infinity || x === -Infinity) {
    throw new InvalidOutputError(`output "${name}": element ${j} is ${x}; non-finite outputs are invalid`);
  }
  if (decimals > 12) {
    const q = exactQuantise(x, decimals);
    if (q >= 2n ** 63n || q < -(2n ** 63n)) throw new InvalidOutputError(`output "${name}": element ${j} overflows int64 at ${decimals} decimals`);
    return q;
  }
  const y = x * 10 ** decimals; // exact (see above)
  let q = Math.floor(y);
  const diff = y - q;
  if (diff > 0.5 || (diff === 0.5 && q % 2 !== 0)) q += 1;
  if (q >= TWO63 || q < -TWO63) throw new InvalidOutputError(`output "${name}": element ${j} = ${x} overflows int64 at ${decimals} decimals`);
  return BigInt(q);
}

/** A task's result: its canonical bytes (checked against `maxOutputBytes`) and their keccak256. */
export function commitOutputs(
  sig: { outputs: readonly TensorSpec[]; outputDecimals: number; maxOutputBytes?: number },
  outputs: readonly Tensor[],
): { canonical: Uint8Array; resultHash: Hex } {
  const canonical = canonicalize(sig.outputs, outputs, sig.outputDecimals);
  if (sig.maxOutputBytes !== undefined && canonical.length > sig.maxOutputBytes) {
    throw new Error(`output: ${canonical.length} canonical bytes exceeds the model's maxOutputBytes ${sig.maxOutputBytes}`);
  }
  return { canonical, resultHash: resultHash(canonical) };
}

export function resultHash(canonical: Uint8Array): Hex {
  keccak.init();
  keccak.update(canonical);
  return `0x${keccak.digest("hex")}`;
}

/** The canonical bytes viewed as int64 elements. */
export function canonicalElements(canonical: Uint8Array): BigInt64Array {
  if (canonical.length % 8 !== 0) throw new Error(`canonical output: ${canonical.length} bytes is not a whole number of int64 elements`);
  return new BigInt64Array(new Uint8Array(canonical).buffer); // copy (a Buffer may be a pooled view)
}

/**
 * Juror / verifier rule: true when both outputs have the same element count and every
 * element differs by at most `tolerance` quantised units.
 */
export function withinTolerance(a: Uint8Array, b: Uint8Array, tolerance: number | bigint): boolean {
  if (a.length !== b.length || a.length % 8 !== 0) return false;
  const x = canonicalElements(a);
  const y = canonicalElements(b);
  const tol = BigInt(tolerance);
  for (let i = 0; i < x.length; i++) {
    const diff = x[i] - y[i];
    if (diff > tol || -diff > tol) return false;
  }
  return true;
}

export type DecodedOutput = { name: string; dtype: string; dims: number[]; values: number[] | bigint[] };

/**
 * Decodes canonical bytes back into named outputs. Floats come back as q / 10^decimals.
 * Dynamic output dims are resolved when every output has at most one dynamic dimension and they
 * share one value (the usual batch dimension); otherwise pass `shapes`.
 */
export function decodeCanonical(
  specs: readonly TensorSpec[],
  canonical: Uint8Array,
  outputDecimals: number,
  shapes?: number[][],
): DecodedOutput[] {
  const el = canonicalElements(canonical);
  const dims = shapes ?? resolveShapes(specs, el.length);
  const needed = dims.reduce((a, d) => a + elementCount(d), 0);
  if (needed !== el.length) throw new Error(`canonical output: ${el.length} elements, the shapes account for ${needed}`);
  let k = 0;
  return specs.map((spec, i) => {
    const slice = el.subarray(k, (k += elementCount(dims[i])));
    const values = spec.dtype === DType.float32
      ? Array.from(slice, (q) => Number(q) / 10 ** outputDecimals)
      : spec.dtype === DType.int64 ? Array.from(slice) : Array.from(slice, Number);
    return { name: spec.name, dtype: dtypeName(spec.dtype), dims: dims[i], values };
  });
}

function resolveShapes(specs: readonly TensorSpec[], total: number): number[][] {
  let fixed = 0;
  let perK = 0;
  for (const s of specs) {
    const dyn = s.shape.filter((d) => d < 0).length;
    if (dyn > 1) throw new Error(`output "${s.name}" has ${dyn} dynamic dims; pass explicit shapes to decode`);
    const p = s.shape.filter((d) => d >= 0).reduce((a, b) => a * b, 1);
    if (dyn) perK += p;
    else fixed += p;
  }
  let k = 0;
  if (perK > 0) {
    k = (total - fixed) / perK;
    if (!Number.isInteger(k) || k < 0) throw new Error(`canonical output: ${total} elements do not fit the output signature`);
  } else if (fixed !== total) throw new Error(`canonical output: ${total} elements, the signature needs ${fixed}`);
  return specs.map((s) => s.shape.map((d) => (d < 0 ? k : d)));
}
