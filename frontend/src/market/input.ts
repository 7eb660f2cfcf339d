/**
 * A task's input from what the user typed: JSON → tensors → the on-chain tensor bundle, with the
 * SDK's own encoder (checked against the model's signature and maxInputBytes). A JSON array of
 * inputs is a lot (one task, many inputs, the SDK's lot encoding).
 *
 *   one input:  {"x": {"dims": [1, 4], "data": [0.1, 0.2, 0.3, 0.4]}}
 *   a lot:      [{"x": {...}}, {"x": {...}}]
 */
import { decodeBundle, encodeBundle, toTensors, type TensorLike } from "@paradigm/keepers/tensors";
import { encodeLot } from "@paradigm/keepers/lot";
import type { ModelInfo } from "./models";

export type EncodedInput = { bytes: Uint8Array; items: number };

function one(m: ModelInfo, value: unknown, index?: number): Uint8Array {
  const where = index === undefined ? "input" : `input ${index}`;
  if (!value || typeof value !== "object") throw new Error(`${where}: expected an object keyed by input name (${m.inputs.map((s) => s.name).join(", ")})`);
  try {
    const bytes = encodeBundle(m.inputs, toTensors(m.inputs, value as Record<string, TensorLike>));
    if (bytes.length > m.maxInputBytes) throw new Error(`${bytes.length} bytes exceeds the model's maxInputBytes ${m.maxInputBytes}`);
    return bytes;
  } catch (e) {
    throw new Error(index === undefined ? (e as Error).message : `${where}: ${(e as Error).message}`);
  }
}

/** Encodes JSON text; throws a sentence naming what is wrong. */
export function encodeJsonInput(m: ModelInfo, text: string): EncodedInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`the input is not valid JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) throw new Error("a lot needs at least one input");
    if (value.length === 1) return { bytes: one(m, value[0], 0), items: 1 };
    return { bytes: encodeLot(value.map((v, i) => one(m, v, i))), items: value.length };
  }
  return { bytes: one(m, value), items: 1 };
}

/** A raw tensor bundle from a file, validated against the model's signature. */
export function checkBundle(m: ModelInfo, bytes: Uint8Array): EncodedInput {
  decodeBundle(m.inputs, bytes, m.maxInputBytes);
  return { bytes, items: 1 };
}

/** A starting input for the model: dynamic dims as 1, every element 0.5 (or 1 for integers). */
export function exampleInput(m: ModelInfo): string {
  const entries = m.inputs.map((s) => {
    const dims = s.shape.map((d) => (d < 0 ? 1 : d));
    const n = dims.reduce((a, b) => a * b, 1);
    return [s.name, { dims, data: Array.from({ length: Math.min(n, 4096) }, () => (s.dtype === 1 ? 0.5 : 1)) }];
  });
  return JSON.stringify(Object.fromEntries(entries));
}
