/**
 * Lots: one task carrying `items` inputs of one model (PostParams.items > 1). The lot encoding of
 * its input and of its result is, per item, a uint32 little-endian byte length and then the
 * item's bytes (a tensor bundle in, the canonical output out). The result hash of a lot is
 * keccak256 of its encoded result, so a lot is claimed, submitted, challenged and finalized as
 * one task, and each item's output can still be checked on its own.
 */
import { withinTolerance } from "./canonical.js";

/** Bytes the lot encoding adds per item (TaskMarketBase.LOT_ITEM_OVERHEAD). */
export const LOT_ITEM_OVERHEAD = 4;

/** The most bytes a task's input or result may have, from the model's per-item bound (as TaskMarketBase bounds a lot's input). */
export const lotBytes = (perItem: number, items: number) => (items === 1 ? perItem : (perItem + LOT_ITEM_OVERHEAD) * items);
/** Most items one lot may carry (TaskMarketBase.MAX_ITEMS). */
export const MAX_ITEMS = 1024;

/** Lot encoding of `parts`. */
export function encodeLot(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length < 2 || parts.length > MAX_ITEMS) throw new Error(`lot: ${parts.length} items; a lot holds 2 to ${MAX_ITEMS} (post one item as a plain task)`);
  const out = new Uint8Array(parts.reduce((n, p) => n + LOT_ITEM_OVERHEAD + p.length, 0));
  const view = new DataView(out.buffer);
  let o = 0;
  for (const p of parts) {
    view.setUint32(o, p.length, true);
    out.set(p, o + LOT_ITEM_OVERHEAD);
    o += LOT_ITEM_OVERHEAD + p.length;
  }
  return out;
}

/** Splits a lot encoding into exactly `items` parts; a malformed lot is an Error that says where. */
export function decodeLot(bytes: Uint8Array, items: number): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  let o = 0;
  for (let i = 0; i < items; i++) {
    if (o + LOT_ITEM_OVERHEAD > bytes.length) throw new Error(`lot: truncated at item ${i} of ${items} (no length at offset ${o})`);
    const len = view.getUint32(o, true);
    o += LOT_ITEM_OVERHEAD;
    if (o + len > bytes.length) throw new Error(`lot: item ${i} declares ${len} bytes, ${bytes.length - o} remain`);
    parts.push(bytes.subarray(o, o + len));
    o += len;
  }
  if (o !== bytes.length) throw new Error(`lot: ${bytes.length - o} trailing byte(s) after item ${items - 1}`);
  return parts;
}

/**
 * Juror / verifier rule for a task of `items` inputs: a plain task compares its canonical outputs
 * within `tolerance`; a lot compares every item, and a malformed lot never agrees.
 */
export function resultsAgree(items: number, a: Uint8Array, b: Uint8Array, tolerance: number | bigint): boolean {
  if (items === 1) return withinTolerance(a, b, tolerance);
  try {
    const x = decodeLot(a, items);
    const y = decodeLot(b, items);
    return x.every((p, i) => withinTolerance(p, y[i], tolerance));
  } catch {
    return false;
  }
}
