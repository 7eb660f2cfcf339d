import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { decodeLot, encodeLot, MAX_ITEMS, resultsAgree } from "../keepers/src/lot.js";

const int64s = (...v: bigint[]) => new Uint8Array(new BigInt64Array(v).buffer);

describe("SDK lots: the lot encoding and the juror rule", () => {
  it("round-trips items of any length, empty ones included", () => {
    const parts = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(300).fill(7)];
    const bytes = encodeLot(parts);
    assert.equal(bytes.length, 3 * 4 + 303);
    assert.deepEqual([...bytes.subarray(0, 4)], [3, 0, 0, 0]); // uint32 little-endian length
    assert.deepEqual(decodeLot(bytes, 3), parts);
  });

  it("refuses lots of fewer than 2 or more than MAX_ITEMS items", () => {
    assert.throws(() => encodeLot([Uint8Array.of(1)]), /1 items; a lot holds 2 to 1024/);
    assert.throws(() => encodeLot(Array.from({ length: MAX_ITEMS + 1 }, () => Uint8Array.of(1))), /1025 items/);
  });

  it("names what is wrong with a malformed lot: truncation, an overlong item, trailing bytes, a wrong count", () => {
    const bytes = encodeLot([Uint8Array.of(1, 2), Uint8Array.of(3)]);
    assert.throws(() => decodeLot(bytes.subarray(0, 2), 2), /truncated at item 0 of 2/);
    assert.throws(() => decodeLot(bytes.subarray(0, bytes.length - 1), 2), /item 1 declares 1 bytes, 0 remain/);
    assert.throws(() => decodeLot(bytes, 1), /5 trailing byte\(s\) after item 0/);
    assert.throws(() => decodeLot(bytes, 3), /truncated at item 2 of 3/);
  });

  it("agrees item by item within tolerance, and never on a malformed or differently split lot", () => {
    const a = encodeLot([int64s(10n, -5n), int64s(7n)]);
    const near = encodeLot([int64s(11n, -4n), int64s(6n)]);
    const far = encodeLot([int64s(10n, -5n), int64s(9n)]);
    assert.equal(resultsAgree(2, a, near, 1), true);
    assert.equal(resultsAgree(2, a, far, 1), false); // one item off is a different lot result
    assert.equal(resultsAgree(2, a, encodeLot([int64s(10n), int64s(-5n, 7n)]), 0), false); // same elements, other split
    assert.equal(resultsAgree(2, a, a.subarray(1), 100), false);
    assert.equal(resultsAgree(1, int64s(3n), int64s(4n), 1), true); // a plain task compares its outputs directly
  });
});
