import assert from "node:assert/strict";
import { bytesToHex } from "viem";
import { decodeBundle, DType, encodeBundle, packTensors, toTensors, unpackTensors, type Tensor, type TensorSpec } from "../keepers/src/tensors.js";

const X: TensorSpec = { name: "x", dtype: DType.float32, shape: [-1, 2] };
const K: TensorSpec = { name: "k", dtype: DType.int64, shape: [] };
const B: TensorSpec = { name: "b", dtype: DType.uint8, shape: [3] };
const I: TensorSpec = { name: "i", dtype: DType.int32, shape: [-1] };
const SPECS = [X, K, B, I];

const sample = () =>
  toTensors(SPECS, {
    x: { dims: [1, 2], data: [1, -2] },
    k: { dims: [], data: [16000n] },
    b: { dims: [3], data: [0, 127, 255] },
    i: { dims: [2], data: [-1, 2] },
  });

describe("keeper: tensor bundle", () => {
  it("encodes count, rank, uint32 LE dims and little-endian data in declared order", () => {
    const hex = bytesToHex(encodeBundle(SPECS, sample()));
    assert.equal(
      hex,
      "0x04" +
        "02" + "01000000" + "02000000" + "0000803f" + "000000c0" + // x: rank 2 [1,2], 1.0f, -2.0f
        "00" + "803e000000000000" + // k: rank 0, int64 16000
        "01" + "03000000" + "007fff" + // b: rank 1 [3], uint8
        "01" + "02000000" + "ffffffff" + "02000000", // i: rank 1 [2], int32 -1, 2
    );
  });
  it("round-trips through decode with the model signature", () => {
    const t = decodeBundle(SPECS, encodeBundle(SPECS, sample()));
    assert.deepEqual(t[0].dims, [1, 2]);
    assert.deepEqual(Array.from(t[0].data as Float32Array), [1, -2]);
    assert.deepEqual(Array.from(t[1].data as BigInt64Array), [16000n]);
    assert.deepEqual(Array.from(t[2].data as Uint8Array), [0, 127, 255]);
    assert.deepEqual(Array.from(t[3].data as Int32Array), [-1, 2]);
  });
  it("rejects a wrong fixed dim naming the input, expected and got", () => {
    assert.throws(
      () => toTensors(SPECS, { x: { dims: [1, 3], data: [1, 2, 3] }, k: { dims: [], data: [1n] }, b: { dims: [3], data: [1, 2, 3] }, i: { dims: [0], data: [] } }),
      /input "x": shape expected \[\?,2\], got \[1,3\] \(dim 1: expected 2, got 3\)/,
    );
  });
  it("rejects a wrong rank, element count, dtype range and unknown or missing names", () => {
    assert.throws(() => toTensors([X], { x: { dims: [2], data: [1, 2] } }), /input "x": rank expected 2 \[\?,2\], got 1 \[2\]/);
    assert.throws(() => toTensors([X], { x: { dims: [2, 2], data: [1, 2] } }), /input "x": shape \[2,2\] needs 4 elements, got 2/);
    assert.throws(() => toTensors([B], { b: { dims: [3], data: [1, 2, 256] } }), /input "b": element 2 = 256 does not fit uint8; give an integer from 0 to 255$/);
    assert.throws(() => toTensors([X], { y: { dims: [1, 2], data: [1, 2] } }), /input "y": the model has no such input \(it takes x\)/);
    assert.throws(() => toTensors([X, K], { x: { dims: [1, 2], data: [1, 2] } }), /input "k": missing/);
  });
  it("refuses a float input's elements that are not finite numbers, naming the input and the element and saying what to give", () => {
    const x = (data: unknown) => () => toTensors([X], { x: { dims: [1, 2], data: data as number[] } });
    assert.throws(x([1, NaN]), /input "x": element 1 is NaN; give a finite number$/);
    assert.throws(x([Infinity, 1]), /input "x": element 0 is Infinity; give a finite number$/);
    assert.throws(x([1, -Infinity]), /input "x": element 1 is -Infinity; give a finite number$/);
    assert.throws(x(Float32Array.of(1, NaN)), /input "x": element 1 is NaN; give a finite number$/, "a typed array too");
    assert.throws(x([1, 1e39]), /input "x": element 1 = 1e\+39 overflows float32 \(±3.4e38 at most\); give a finite number$/);
    assert.throws(x(["abc", 1]), /input "x": element 0 is the string "abc"; give a finite number$/);
    assert.throws(x([1, "2"]), /input "x": element 1 is the string "2"; give a finite number$/, "even a numeric string");
    assert.throws(x([null, 1]), /input "x": element 0 is null; give a finite number$/);
    assert.throws(x([1, true]), /input "x": element 1 is true; give a finite number$/);
    assert.throws(x([[1, 2]]), /input "x": element 0 is an array \(data is flat, row-major; dims give the shape\)/);
    assert.throws(x("1,2"), /input "x": data must be an array of numbers/);
  });
  it("takes integers for a float input (3 is 3.0), and only integers in range for an integer input", () => {
    assert.deepEqual(Array.from(toTensors([X], { x: { dims: [1, 2], data: [3, -2n] } })[0].data as Float32Array), [3, -2]);
    assert.throws(() => toTensors([I], { i: { dims: [1], data: [1.5] } }), /input "i": element 0 = 1.5 is not an integer; give an integer from -2147483648 to 2147483647$/);
    assert.throws(() => toTensors([I], { i: { dims: [2], data: [1, NaN] } }), /input "i": element 1 is NaN; give an integer from -2147483648 to 2147483647$/);
    assert.throws(() => toTensors([B], { b: { dims: [3], data: [1, null, 3] as number[] } }), /input "b": element 1 is null; give an integer from 0 to 255$/);
    assert.throws(() => toTensors([B], { b: { dims: [3], data: [true, 2, 3] as unknown as number[] } }), /input "b": element 0 is true; give an integer from 0 to 255$/);
    assert.throws(() => toTensors([K], { k: { dims: [], data: [0.5] } }), /input "k": element 0 = 0.5 is not an integer; give an integer from -9223372036854775808 to 9223372036854775807$/);
    assert.throws(() => toTensors([K], { k: { dims: [], data: ["12"] as unknown as number[] } }), /input "k": element 0 is the string "12"/);
    assert.throws(() => toTensors([K], { k: { dims: [], data: [2n ** 63n] } }), /input "k": element 0 = 9223372036854775808 does not fit int64/, "not wrapped to a negative");
    assert.deepEqual(Array.from(toTensors([K], { k: { dims: [], data: [2 ** 60] } })[0].data as BigInt64Array), [2n ** 60n]);
  });
  it("rejects malformed bundles: count, rank, truncation, trailing bytes, oversize", () => {
    const good = encodeBundle(SPECS, sample());
    assert.throws(() => decodeBundle(SPECS, new Uint8Array([])), /empty bundle/);
    assert.throws(() => decodeBundle(SPECS, Uint8Array.of(3, ...good.subarray(1))), /bundle holds 3 tensor\(s\), the model takes 4 \(x, k, b, i\)/);
    const badRank = good.slice();
    badRank[1] = 3;
    assert.throws(() => decodeBundle(SPECS, badRank), /input "x": rank expected 2 \[\?,2\], got 3/);
    assert.throws(() => decodeBundle(SPECS, good.subarray(0, good.length - 1)), /truncated bundle reading the data of "i"/);
    assert.throws(() => decodeBundle(SPECS, Uint8Array.of(...good, 0)), /1 trailing byte\(s\)/);
    assert.throws(() => decodeBundle(SPECS, good, good.length - 1), new RegExp(`input: ${good.length} bytes exceeds the model's maxInputBytes ${good.length - 1}`));
    const oneB = encodeBundle([B], toTensors([B], { b: { dims: [3], data: [1, 2, 3] } }));
    oneB[2] = 4; // dim 3 -> 4
    assert.throws(() => decodeBundle([B], Uint8Array.of(...oneB, 4)), /input "b": shape expected \[3\], got \[4\]/);
  });
  it("decodes from a pooled Buffer view (not only a fresh Uint8Array)", () => {
    const good = encodeBundle(SPECS, sample());
    const pooled = Buffer.from(Buffer.from(good).toString("hex"), "hex"); // a view into Node's 8 KiB pool
    assert.deepEqual(Array.from(decodeBundle(SPECS, pooled)[3].data as Int32Array), [-1, 2]);
  });
  it("packs groups of tensors of every dtype into one buffer and unpacks them as aligned views", () => {
    const odd: Tensor = { dtype: DType.uint8, dims: [1, 3], data: Uint8Array.of(9, 8, 7) }; // 3 bytes: the next tensor must be realigned
    const empty: Tensor = { dtype: DType.float32, dims: [0, 2], data: new Float32Array(0) };
    const groups = [sample(), [], [odd, empty, ...sample()]];
    const buffer = packTensors(groups);
    const back = unpackTensors(buffer);
    assert.equal(back.length, 3);
    assert.deepEqual(back.map((g) => g.length), [4, 0, 6]);
    back.flat().forEach((t, i) => {
      const want = groups.flat()[i];
      assert.equal(t.dtype, want.dtype);
      assert.deepEqual(t.dims, want.dims);
      assert.deepEqual(Array.from(t.data as ArrayLike<number | bigint>), Array.from(want.data as ArrayLike<number | bigint>));
      assert.equal(t.data.buffer, buffer, "a view, not a copy");
      assert.equal(t.data.byteOffset % 8, 0, "8-byte aligned");
    });
    assert.deepEqual(unpackTensors(packTensors([])), []);
  });
  it("refuses to encode a tensor whose dtype differs from the signature", () => {
    assert.throws(
      () => encodeBundle([X], [{ dtype: DType.int32, dims: [1, 2], data: new Int32Array(2) }]),
      /input "x": dtype expected float32, got int32/,
    );
  });
});
