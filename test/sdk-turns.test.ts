import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { Address } from "viem";
import type { TaskState } from "../keepers/src/chain/taskbook.js";
import { leadingVote, Outcome, sidesOf, TURN_SECONDS, turnDelay, turnOrder } from "../keepers/src/chain/turns.js";

const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const [submitter, challenger, rival, j1, j2] = [A(1), A(2), A(3), A(4), A(5)];

function disputed(withRival: boolean): TaskState {
  return {
    task: { keeper: submitter, resultHash: "0x01" },
    challenge: { challenger, resultHash: "0x02", output: "0x02", uri: "", bond: 1n },
    rival: withRival ? { rival, resultHash: "0x03", output: "0x03", uri: "", bond: 1n } : undefined,
    dispute: { jurors: [j1, j2] },
  } as unknown as TaskState;
}

describe("SDK: keepers take turns on court actions", () => {
  it("lists a dispute's sides in the court's vote order, the rival last", () => {
    assert.deepEqual(sidesOf(disputed(true)).map((s) => [s.vote, s.keeper]), [[Outcome.Submitter, submitter], [Outcome.Challenger, challenger], [Outcome.Rival, rival]]);
    assert.deepEqual(sidesOf(disputed(false)).map((s) => s.vote), [Outcome.Submitter, Outcome.Challenger]);
  });

  it("puts the side the votes favour first, then the other sides, then the jurors; one turn each", () => {
    const order = turnOrder(disputed(true), Outcome.Rival);
    assert.deepEqual(order, [rival, submitter, challenger, j1, j2].map((a) => a.toLowerCase()));
    assert.equal(turnDelay(order, rival), 0);
    assert.equal(turnDelay(order, j2.toUpperCase().replace("0X", "0x")), 4 * TURN_SECONDS);
    assert.equal(turnDelay(order, A(9)), undefined, "a stranger has no turn");
  });

  it("the leading vote is the one with most reveals; a tie goes to the court's order", () => {
    assert.equal(leadingVote(new Map()), undefined);
    assert.equal(leadingVote(new Map([["a", 2], ["b", 4], ["c", 4]])), Outcome.Rival);
    assert.equal(leadingVote(new Map([["a", 2], ["b", 1]])), Outcome.Submitter);
  });
});
