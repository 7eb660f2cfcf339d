import assert from "node:assert/strict";
import { earningsFields, type EarningsStep } from "../keepers/src/chain/earnings.js";
import { createLogger } from "../keepers/src/telemetry.js";

describe("keeper: the earnings log line", () => {
  /** The line a keeper prints for a pass, without its time stamp. */
  const line = (step: Omit<EarningsStep, "more">) => {
    let out = "";
    createLogger({ write: (l) => (out = l.slice("hh:mm:ss ".length)) })("earnings", earningsFields({ ...step, more: false }));
    return out;
  };
  const keeper = "0x000000000000000000000000000000000000bEEF";

  it("logs what a pass did with real values and leaves out what it did not do (was: closed= claimed=0 epochs=undefined)", () => {
    assert.equal(line({ flushed: [keeper], closed: [], claimed: 0n }), "earnings flushed=1");
    assert.equal(line({ flushed: [], closed: [3n, 4n], claimed: 0n }), "earnings closed=3,4");
    assert.equal(line({ flushed: [keeper], closed: [4n], claimed: 1_250_000_000n, epochs: [2n, 4n] }), "earnings flushed=1 closed=4 claimed=1250000000 epochs=2-4");
  });
});
