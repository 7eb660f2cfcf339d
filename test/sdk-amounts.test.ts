import assert from "node:assert/strict";
import { formatPar, parsePar } from "../keepers/src/amounts.js";

describe("keeper: PAR amounts", () => {
  it("parses decimal PAR exactly into base units", () => {
    assert.equal(parsePar("0.00000001"), 1n);
    assert.equal(parsePar("1"), 100_000_000n);
    assert.equal(parsePar("1.5"), 150_000_000n);
    assert.equal(parsePar(".5"), 50_000_000n);
    assert.equal(parsePar("2."), 200_000_000n);
    assert.equal(parsePar(" 8000000000 "), 800_000_000_000_000_000n);
    assert.equal(parsePar("0.12345678"), 12_345_678n);
  });
  it("rejects a ninth decimal instead of rounding", () => {
    assert.throws(() => parsePar("0.000000001", "--fee"), /--fee: "0.000000001" has 9 decimals; PAR has at most 8/);
  });
  it("rejects negative, empty and garbage amounts naming the input", () => {
    for (const bad of ["-1", "", "abc", "1e3", "1.2.3", "0x10", "."]) {
      assert.throws(() => parsePar(bad, "--amount"), /--amount: ".*" is not a PAR amount/);
    }
  });
  it("formats base units without trailing zeros", () => {
    assert.equal(formatPar(1n), "0.00000001");
    assert.equal(formatPar(150_000_000n), "1.5");
    assert.equal(formatPar(300_000_000n), "3");
    assert.equal(formatPar(0n), "0");
    assert.equal(formatPar(-12_345_678n), "-0.12345678");
    for (const s of ["0.00000001", "1.5", "123456.789", "0"]) assert.equal(formatPar(parsePar(s)), s);
  });
});
