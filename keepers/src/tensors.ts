/**
 * Tensors and the on-chain input "tensor bundle" (docs/keeper.md, "Canonical forms"):
 *   uint8 count, then for each model input in declared order:
 *   uint8 rank, rank × uint32 LE dims, the data little-endian in the input's dtype.
 * Dtypes come from the model's signature, never from the bundle.
 */
import { endianness } from "node:os";

if (endianness() !== "LE") throw new Error("the Paradigm SDK needs a little-endian host");

/** On-chain dtype codes. */
export const DType = { float32: 1, int64: 2, int32: 3, uint8: 4 } as const;
export type DTypeCode = (typeof DType)[keyof typeof DType];
export type DTypeName = keyof typeof DType;

export type TensorData = Float32Array | BigInt64Array | Int32Array | Uint8Array;
export type Tensor = { dtype: DTypeCode; dims: number[]; data: TensorData };
/** A model input or output signature; shape -1 = dynamic dimension. */
export type TensorSpec = { name: string; dtype: DTypeCode; shape: number[] };

const SIZE: Record<DTypeCode, number> = { 1: 4, 2: 8, 3: 4, 4: 1 };
const NAME: Record<DTypeCode, DTypeName> = { 1: "float32", 2: "int64", 3: "int32", 4: "uint8" };
const MAX_DIM = 0xffffffff;

export function dtypeName(code: number): DTypeName {
  const n = NAME[code as DTypeCode];
  if (!n) throw new Error(`unknown dtype code ${code}; known: 1=float32 2=int64 3=int32 4=uint8`);
  return n;
}
export function dtypeSize(code: DTypeCode): number {
  return SIZE[code];
}
export function dtypeOf(data: TensorData): DTypeCode {
  if (data instanceof Float32Array) return DType.float32;
  if (data instanceof BigInt64Array) return DType.int64;
  if (data instanceof Int32Array) return DType.int32;
  if (data instanceof Uint8Array) return DType.uint8;
  throw new Error("tensor data must be a Float32Array, BigInt64Array, Int32Array or Uint8Array");
}
export function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
const fmtShape = (s: readonly number[]) => `[${s.map((d) => (d < 0 ? "?" : d)).join(",")}]`;

/** Checks one tensor against its spec; throws an error naming the input, expected vs got. */
export function checkTensor(spec: TensorSpec, t: Tensor, role = "input"): void {
  const where = `${role} "${spec.name}"`;
  if (t.dtype !== spec.dtype) {
    throw new Error(`${where}: dtype expected ${dtypeName(spec.dtype)}, got ${dtypeName(t.dtype)}`);
  }
  checkDims(spec, t.dims, role);
  const n = elementCount(t.dims);
  if (t.data.length !== n) {
    throw new Error(`${where}: shape ${fmtShape(t.dims)} needs ${n} elements, got ${t.data.length}`);
  }
}

/** Checks rank and fixed dims against the spec (dynamic dims, -1, accept any uint32). */
export function checkDims(spec: TensorSpec, dims: readonly number[], role = "input"): void {
  const where = `${role} "${spec.name}"`;
  if (dims.length !== spec.shape.length) {
    throw new Error(`${where}: rank expected ${spec.shape.length} ${fmtShape(spec.shape)}, got ${dims.length} ${fmtShape(dims)}`);
  }
  dims.forEach((d, i) => {
    if (!Number.isInteger(d) || d < 0 || d > MAX_DIM) throw new Error(`${where}: dim ${i} is ${d}, not a uint32`);
    if (spec.shape[i] >= 0 && spec.shape[i] !== d) {
      throw new Error(`${where}: shape expected ${fmtShape(spec.shape)}, got ${fmtShape(dims)} (dim ${i}: expected ${spec.shape[i]}, got ${d})`);
    }
  });
}

/** Encodes tensors (one per model input, declared order) into the tensor bundle. */
export function encodeBundle(specs: readonly TensorSpec[], tensors: readonly Tensor[]): Uint8Array {
  if (tensors.length !== specs.length) {
    throw new Error(`input: the model takes ${specs.length} tensor(s) (${specs.map((s) => s.name).join(", ")}), got ${tensors.length}`);
  }
  if (specs.length > 255) throw new Error("input: a bundle holds at most 255 tensors");
  let size = 1;
  tensors.forEach((t, i) => {
    checkTensor(specs[i], t);
    size += 1 + 4 * t.dims.length + t.data.byteLength;
  });
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = tensors.length;
  let o = 1;
  for (const t of tensors) {
    out[o++] = t.dims.length;
    for (const d of t.dims) {
      view.setUint32(o, d, true);
      o += 4;
    }
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
    o += t.data.byteLength;
  }
  return out;
}

/**
 * Decodes and validates a tensor bundle against the model's input signature.
 * Every malformation (truncation, trailing bytes, wrong count/rank/shape, oversize) is an Error
 * whose message names the input and says expected vs got.
 */
export function decodeBundle(specs: readonly TensorSpec[], bytes: Uint8Array, maxInputBytes?: number): Tensor[] {
  if (maxInputBytes !== undefined && bytes.length > maxInputBytes) {
    throw new Error(`input: ${bytes.length} bytes exceeds the model's maxInputBytes ${maxInputBytes}`);
  }
  if (bytes.length < 1) throw new Error("input: empty bundle (expected a leading uint8 tensor count)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes[0];
  if (count !== specs.length) {
    throw new Error(`input: bundle holds ${count} tensor(s), the model takes ${specs.length} (${specs.map((s) => s.name).join(", ")})`);
  }
  let o = 1;
  const need = (n: number, what: string) => {
    if (o + n > bytes.length) throw new Error(`input: truncated bundle reading ${what} (need ${n} bytes at offset ${o}, have ${bytes.length - o})`);
  };
  const tensors: Tensor[] = [];
  for (const spec of specs) {
    need(1, `the rank of "${spec.name}"`);
    const rank = bytes[o++];
    if (rank !== spec.shape.length) {
      throw new Error(`input "${spec.name}": rank expected ${spec.shape.length} ${fmtShape(spec.shape)}, got ${rank}`);
    }
    need(4 * rank, `the dims of "${spec.name}"`);
    const dims: number[] = [];
    for (let i = 0; i < rank; i++, o += 4) dims.push(view.getUint32(o, true));
    checkDims(spec, dims);
    const byteLen = elementCount(dims) * SIZE[spec.dtype];
    if (!Number.isSafeInteger(byteLen)) throw new Error(`input "${spec.name}": shape ${fmtShape(dims)} is too large`);
    need(byteLen, `the data of "${spec.name}" (shape ${fmtShape(dims)}, ${dtypeName(spec.dtype)})`);
    const raw = new Uint8Array(bytes.subarray(o, o + byteLen)).buffer; // a copy: aligned, and never a Buffer pool
    o += byteLen;
    const data = makeData(spec.dtype, raw);
    const t = { dtype: spec.dtype, dims, data };
    checkTensor(spec, t);
    tensors.push(t);
  }
  if (o !== bytes.length) throw new Error(`input: ${bytes.length - o} trailing byte(s) after the last tensor`);
  return tensors;
}

function makeData(dtype: DTypeCode, buf: ArrayBuffer, offset = 0, length?: number): TensorData {
  switch (dtype) {
    case 1: return new Float32Array(buf, offset, length);
    case 2: return new BigInt64Array(buf, offset, length);
    case 3: return new Int32Array(buf, offset, length);
    case 4: return new Uint8Array(buf, offset, length);
  }
}

/**
 * Packs groups of tensors into one ArrayBuffer, so that many tensors cross to another thread as
 * a single transferred buffer (no structured clone of an object per tensor). Layout: a float64
 * header (group count; per group its tensor count; per tensor dtype, rank, dims, element count)
 * padded to 8 bytes, then every tensor's data in order, each 8-byte aligned.
 */
export function packTensors(groups: readonly (readonly Tensor[])[]): ArrayBuffer {
  let words = 1;
  let size = 0;
  for (const g of groups) {
    words += 1;
    for (const t of g) {
      words += 3 + t.dims.length;
      size += Math.ceil(t.data.byteLength / 8) * 8;
    }
  }
  const buffer = new ArrayBuffer(words * 8 + size);
  const head = new Float64Array(buffer, 0, words);
  const bytes = new Uint8Array(buffer);
  let h = 0;
  let o = words * 8;
  head[h++] = groups.length;
  for (const g of groups) {
    head[h++] = g.length;
    for (const t of g) {
      head[h++] = t.dtype;
      head[h++] = t.dims.length;
      for (const d of t.dims) head[h++] = d;
      head[h++] = t.data.length;
      bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), o);
      o += Math.ceil(t.data.byteLength / 8) * 8;
    }
  }
  return buffer;
}

/** The tensors `packTensors` put in `buffer`, as views into it (no copy). */
export function unpackTensors(buffer: ArrayBuffer): Tensor[][] {
  const head = new Float64Array(buffer); // the whole buffer is a multiple of 8 bytes
  let words = 1; // first pass: the header's length, which is where the data starts
  for (let g = 0; g < head[0]; g++) {
    const count = head[words++];
    for (let i = 0; i < count; i++) words += 3 + head[words + 1];
  }
  let h = 1;
  let o = words * 8;
  const groups: Tensor[][] = [];
  for (let g = 0; g < head[0]; g++) {
    const tensors: Tensor[] = [];
    for (let i = 0, count = head[h++]; i < count; i++) {
      const dtype = head[h++] as DTypeCode;
      const dims: number[] = [];
      for (let r = 0, rank = head[h++]; r < rank; r++) dims.push(head[h++]);
      const length = head[h++];
      tensors.push({ dtype, dims, data: makeData(dtype, buffer, o, length) });
      o += Math.ceil((length * SIZE[dtype]) / 8) * 8;
    }
    groups.push(tensors);
  }
  return groups;
}

/** A friendly tensor value: plain numbers (or bigints for int64) with an explicit shape. */
export type TensorLike = Tensor | { dims: number[]; data: ArrayLike<number | bigint> | TensorData };

/**
 * Turns friendly values (by input name or in declared order) into typed tensors, converting
 * plain arrays to the dtype the model declares. Unknown or missing names are errors, and so is
 * an element the input's dtype cannot hold as given (see `elementError`).
 */
export function toTensors(specs: readonly TensorSpec[], input: readonly TensorLike[] | Record<string, TensorLike>): Tensor[] {
  let list: TensorLike[];
  if (Array.isArray(input)) list = [...input];
  else {
    const rec = input as Record<string, TensorLike>;
    for (const k of Object.keys(rec)) {
      if (!specs.some((s) => s.name === k)) throw new Error(`input "${k}": the model has no such input (it takes ${specs.map((s) => s.name).join(", ")})`);
    }
    list = specs.map((s) => {
      const v = rec[s.name];
      if (!v) throw new Error(`input "${s.name}": missing`);
      return v;
    });
  }
  if (list.length !== specs.length) throw new Error(`input: the model takes ${specs.length} tensor(s), got ${list.length}`);
  return list.map((v, i) => {
    const spec = specs[i];
    if (!Array.isArray(v.dims)) throw new Error(`input "${spec.name}": dims must be an array of integers (the shape, e.g. [1, 4])`);
    const t = { dtype: spec.dtype, dims: [...v.dims], data: tensorData(spec, v.data) };
    checkTensor(spec, t);
    return t;
  });
}

const TYPED = { 1: Float32Array, 2: BigInt64Array, 3: Int32Array, 4: Uint8Array } as const;
/** The integers each integer dtype holds. */
const INT_RANGE = { 2: [-(2n ** 63n), 2n ** 63n - 1n], 3: [-(2 ** 31), 2 ** 31 - 1], 4: [0, 255] } as const;

/** `src` as a typed array of the input's dtype (itself when it already is one), once every element is checked. */
function tensorData(spec: TensorSpec, src: TensorLike["data"]): TensorData {
  const where = `input "${spec.name}"`;
  if (typeof src !== "object" || src === null || typeof src.length !== "number") {
    throw new Error(`${where}: data must be an array of numbers (flat, row-major; dims give the shape)`);
  }
  for (let j = 0; j < src.length; j++) {
    const why = elementError(spec.dtype, src[j]);
    if (why) throw new Error(`${where}: element ${j} ${why}`);
  }
  if (src instanceof TYPED[spec.dtype]) return src as TensorData;
  const arr = Array.from(src);
  if (spec.dtype === DType.int64) return BigInt64Array.from(arr, (x) => BigInt(x));
  if (spec.dtype === DType.float32) return Float32Array.from(arr, Number);
  return spec.dtype === DType.int32 ? Int32Array.from(arr, Number) : Uint8Array.from(arr, Number);
}

/**
 * Why `x` cannot be an element of a `dtype` input, and what to give instead; undefined when it
 * can. Only numbers and bigints are elements: a string ("abc", even "1"), null or a boolean
 * would otherwise be coerced to some number, or to NaN. NaN and ±Infinity are refused too: JSON
 * has neither, and most models turn them into a non-finite output, which has no canonical form,
 * so keepers would decline the task and it would only expire. A float input takes integers
 * (JSON does not tell 3 from 3.0: 3 is 3.0); an integer input takes integers in its range
 * only, never a fraction (it would be truncated).
 */
function elementError(dtype: DTypeCode, x: unknown): string | undefined {
  const range = dtype === DType.float32 ? undefined : INT_RANGE[dtype];
  const give = range ? `give an integer from ${range[0]} to ${range[1]}` : "give a finite number";
  if (typeof x !== "number" && typeof x !== "bigint") return `is ${shown(x)}; ${give}`;
  if (typeof x === "number" && !Number.isFinite(x)) return `is ${x}; ${give}`;
  if (!range) return Number.isFinite(Math.fround(Number(x))) ? undefined : `= ${x} overflows float32 (±3.4e38 at most); ${give}`;
  if (typeof x === "number" && !Number.isInteger(x)) return `= ${x} is not an integer; ${give}`;
  if (x < range[0] || x > range[1]) return `= ${x} does not fit ${dtypeName(dtype)}; ${give}`;
}

/** A value that is not a number, as an error names it. */
function shown(x: unknown): string {
  if (typeof x === "string") return `the string ${JSON.stringify(x)}`;
  if (Array.isArray(x)) return "an array (data is flat, row-major; dims give the shape)";
  if (x === null || x === undefined || typeof x === "boolean") return String(x);
  return `a ${typeof x}`;
}
