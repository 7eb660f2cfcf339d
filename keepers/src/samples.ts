/** Deterministic sample inputs for the genesis models (tests, benchmarks, `par task post --sample`). */
import { MODELS, prng } from "./models.js";
import { encodeBundle, toTensors, type Tensor } from "./tensors.js";

/** Typed input tensors for `rows` rows of model `key` ("mlp", "mixed", "silero"). */
export function sampleTensors(key: string, rows = 1, seed = 1): Tensor[] {
  const m = MODELS[key];
  if (!m) throw new Error(`no sample input for model "${key}" (known: ${Object.keys(MODELS).join(", ")})`);
  const r = prng(seed);
  switch (key) {
    case "mlp":
      return toTensors(m.inputs, { x: { dims: [rows, 4], data: Float32Array.from({ length: rows * 4 }, () => r() * 4 - 2) } });
    case "mixed":
      return toTensors(m.inputs, {
        a: { dims: [rows, 8], data: Int32Array.from({ length: rows * 8 }, () => Math.floor(r() * 2000) - 1000) },
        b: { dims: [rows, 8], data: Uint8Array.from({ length: rows * 8 }, () => Math.floor(r() * 256)) },
        k: { dims: [1], data: BigInt64Array.of(BigInt(seed)) },
      });
    default: {
      const len = 512;
      return toTensors(m.inputs, {
        input: { dims: [rows, len], data: Float32Array.from({ length: rows * len }, (_, i) => Math.sin(i / (3 + 5 * r())) * 0.6) },
        sr: { dims: [], data: BigInt64Array.of(16000n) },
        h: { dims: [2, rows, 64], data: new Float32Array(2 * rows * 64) },
        c: { dims: [2, rows, 64], data: new Float32Array(2 * rows * 64) },
      });
    }
  }
}

export function sampleBundle(key: string, rows = 1, seed = 1): Uint8Array {
  return encodeBundle(MODELS[key].inputs, sampleTensors(key, rows, seed));
}
