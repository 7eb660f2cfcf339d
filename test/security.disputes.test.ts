/**
 * Disputes under attack (issue 18): a griefing challenge that arrives first, an arbiter that never
 * acts, and windows too short for a watchtower or a juror. Each attack is written as it played
 * out on the adversarial network before the fix; the assertions say what must hold now.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { keccak256, stringToHex, type Hex } from "viem";
import { challengeCommitment } from "../keepers/src/chain/challenge.js";
import { Outcome } from "../keepers/src/chain/turns.js";
import { SAFE_WINDOWS } from "../deploy/profiles.js";
import { deployMarket, PAR, type MarketFixture } from "./helpers/market.js";

const TRUTH = "0x0a00000000000000f4ffffffffffffff" as Hex;
const LIE = "0x0b00000000000000f4ffffffffffffff" as Hex;
const GRIEF = "0x0c00000000000000f4ffffffffffffff" as Hex;
const SALT = keccak256("0x5a");
const param = (name: string) => stringToHex(name, { size: 32 });
type Wallet = MarketFixture["admin"];

/** Fourteen keepers with 100 PAR each; a 1 PAR task claimed by its assignee and answered `answer`. */
async function submitted(answer: Hex) {
  const f = await deployMarket();
  for (const w of f.keeperWallets) await f.register(w, 100n * PAR);
  const id = await f.post(f.requester, { fee: PAR });
  const submitter = await f.claimAsAssignee(id);
  await f.submit(id, answer);
  const [griefer, watchtower, third] = f.keeperWallets.filter((w) => w !== submitter);
  return { f, id, submitter, griefer, watchtower, third };
}

/** Commits (one block), then joins task `id`'s dispute as its rival with `output`. */
async function joinAsRival(f: MarketFixture, id: bigint, output: Hex, rival: Wallet) {
  const commitment = challengeCommitment(id, keccak256(output), rival.account.address);
  await f.track(await f.court.write.commitRival([id, commitment], { account: rival.account }));
  return f.track(await f.court.write.joinAsRival([id, keccak256(output), output, ""], { account: rival.account }));
}

/** Each juror commits and reveals `votes[i]` (0 = stays silent), then the reveal period ends. */
async function vote(f: MarketFixture, id: bigint, jurors: readonly `0x${string}`[], votes: number[]) {
  const round = (await f.court.read.disputeOf([id])).round;
  for (const [i, j] of jurors.entries()) {
    if (!votes[i]) continue;
    const c = await f.court.read.voteCommitment([id, round, votes[i], SALT, j]);
    await f.court.write.commitVote([id, c], { account: f.byAddress(j).account });
  }
  await f.networkHelpers.time.increase(Number(await f.court.read.commitPeriod()) + 1);
  for (const [i, j] of jurors.entries()) {
    if (votes[i]) await f.court.write.revealVote([id, votes[i], SALT], { account: f.byAddress(j).account });
  }
  await f.networkHelpers.time.increase(Number(await f.court.read.revealPeriod()) + 1);
}

describe("Security: disputes under attack", () => {
  it("a griefing challenge that arrives first does not keep the right result from winning: the honest rival's output stands, the liar and the griefer are slashed", async () => {
    const { f, id, submitter, griefer, watchtower } = await submitted(LIE);
    await f.challenge(id, GRIEF, griefer); // first in: a wrong output against a wrong output
    await joinAsRival(f, id, TRUTH, watchtower);
    const jurors = await f.drawFullJury(id);
    assert.ok(!jurors.includes(watchtower.account.address), "the rival is a party: never its own juror");
    await vote(f, id, jurors, jurors.map(() => Outcome.Rival));
    const requesterBefore = await f.balance(f.requester.account.address);
    const hash = await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    const logs = await f.track(hash);
    const finalized = logs.logs.some((l) => l.topics[0] === keccak256(stringToHex("TaskFinalized(uint256,address,bytes32,uint256,uint256,uint256)")));
    assert.ok(finalized, "the task finalizes with a result (before: TaskRefunded, no result)");
    const d = await f.court.read.disputeOf([id]);
    assert.equal(d.outcome, Outcome.Rival);
    await f.flush([watchtower.account.address]);
    // the requester paid for the truth: no refund, and the rival's account was paid the fee
    assert.equal(await f.balance(f.requester.account.address), requesterBefore);
    assert.equal(await f.keepers.read.stakeOf([submitter.account.address]), 90n * PAR, "the liar: max(10 PAR bond, 10% of stake)");
    assert.equal(await f.keepers.read.stakeOf([griefer.account.address]), 90n * PAR, "the griefer: its 10 PAR bond");
    assert.equal(await f.keepers.read.stakeOf([watchtower.account.address]), 100n * PAR);
    assert.equal(await f.keepers.read.lockedBondOf([watchtower.account.address]), 0n);
    assert.equal(await f.market.read.statusOf([id]), 0);
    assert.equal(await f.balance(f.court.address), 0n);
  });

  it("a rival whose result is wrong loses its bond when the challenger was right", async () => {
    const { f, id, submitter, griefer: challenger, watchtower: wrongRival } = await submitted(LIE);
    await f.challenge(id, TRUTH, challenger);
    await joinAsRival(f, id, GRIEF, wrongRival);
    const jurors = await f.drawFullJury(id);
    await vote(f, id, jurors, jurors.map(() => Outcome.Challenger));
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    assert.equal(await f.keepers.read.stakeOf([wrongRival.account.address]), 90n * PAR);
    assert.equal(await f.keepers.read.stakeOf([submitter.account.address]), 90n * PAR);
    assert.equal(await f.keepers.read.stakeOf([challenger.account.address]), 100n * PAR);
    assert.equal(await f.keepers.read.lockedBondOf([challenger.account.address]), 0n);
  });

  it("an escalated dispute the arbiter never decides closes after arbitrationPeriod: every bond released, the requester refunded, nothing locked", async () => {
    const { f, id, submitter, griefer: challenger } = await submitted(LIE);
    await f.court.write.setParameter([param("jurySize"), 2n]);
    await f.challenge(id, TRUTH, challenger);
    const jurors = await f.drawFullJury(id);
    await vote(f, id, jurors, [Outcome.Submitter, Outcome.Challenger]); // split: no majority
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    await f.networkHelpers.mine(1);
    await f.court.write.drawJury([id]);
    await vote(f, id, (await f.court.read.disputeOf([id])).jurors, []); // round 1: nobody votes
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    const escalated = await f.court.read.disputeOf([id]);
    assert.equal(escalated.phase, 3, "Escalated");
    assert.equal(BigInt(escalated.arbitrationEnd), BigInt(await f.now()) + (await f.court.read.arbitrationPeriod()));
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.closeEscalated([id, f.book.get(id)!], { account: f.stranger.account }),
      f.court,
      "ArbitrationPending",
      [id, BigInt(escalated.arbitrationEnd)],
    );
    const requesterBefore = await f.balance(f.requester.account.address);
    await f.networkHelpers.time.increaseTo(BigInt(escalated.arbitrationEnd) + 1n);
    await f.court.write.closeEscalated([id, f.book.get(id)!], { account: f.stranger.account }); // anyone
    assert.equal(await f.balance(f.requester.account.address) - requesterBefore, PAR, "the requester's fee back");
    for (const party of [submitter, challenger]) {
      assert.equal(await f.keepers.read.lockedBondOf([party.account.address]), 0n);
      assert.equal(await f.keepers.read.stakeOf([party.account.address]), 100n * PAR, "nothing proven: nobody slashed");
    }
    assert.equal(await f.market.read.statusOf([id]), 0);
    assert.equal(await f.balance(f.court.address), 0n, "silent jurors' penalties burned, nothing left in the court");
    const closed = await f.court.read.disputeOf([id]);
    assert.deepEqual([closed.phase, closed.outcome], [4, 0]);
    await f.viem.assertions.revertWithCustomError(f.court.write.arbitrate([id, f.book.get(id)!, 2, "0x"]), f.court, "WrongPhase");
  });

  it("a liar that unbonds after the challenge cannot withdraw before the verdict, however long the dispute: the slash is still sized on all the stake behind the lie", async () => {
    const { f, id, submitter, griefer: challenger } = await submitted(LIE);
    await f.mint(submitter.account.address, 400n * PAR); // 500 PAR behind the lie: slashBps (10%) exceeds the 10 PAR bond
    await f.token.write.approve([f.keepers.address, 400n * PAR], { account: submitter.account });
    await f.keepers.write.addStake([400n * PAR], { account: submitter.account });
    await f.challenge(id, TRUTH, challenger);
    const free = await f.keepers.read.freeStakeOf([submitter.account.address]);
    await f.keepers.write.requestUnbond([free], { account: submitter.account });
    await f.networkHelpers.time.increase(Number(await f.keepers.read.unbondingPeriod()) + 1);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.keepers.write.withdraw([submitter.account.address], { account: submitter.account }),
      f.keepers,
      "UnbondingHeld",
      [submitter.account.address, 1n],
    );
    const jurors = await f.drawFullJury(id);
    await vote(f, id, jurors, jurors.map(() => Outcome.Challenger));
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    const [{ args }] = await f.keepers.getEvents.Slashed({ keeper: submitter.account.address }, { fromBlock: 0n });
    assert.equal(args.amount, 50n * PAR, "10% of the 500 PAR behind the lie (before: the liar withdrew 490 PAR first, and lost only its 10 PAR bond)");
    assert.equal(await f.keepers.read.heldDisputesOf([submitter.account.address]), 0n);
    await f.keepers.write.withdraw([submitter.account.address], { account: submitter.account }); // the dispute is over
  });

  it("reverts RivalNotCommitted, InvalidRival, RivalNotEligible, RivalTaken and RivalWindowClosed", async () => {
    const { f, id, submitter, griefer, watchtower, third } = await submitted(LIE);
    await f.challenge(id, GRIEF, griefer);
    const join = (output: Hex, w: Wallet) => f.court.write.joinAsRival([id, keccak256(output), output, ""], { account: w.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(TRUTH, watchtower), f.court, "RivalNotCommitted", [id, watchtower.account.address]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(LIE, watchtower), f.court, "InvalidRival", [id]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(TRUTH, submitter), f.court, "InvalidRival", [id]);
    await f.keepers.write.setAvailable([false], { account: third.account });
    await f.track(await f.court.write.commitRival([id, challengeCommitment(id, keccak256(TRUTH), third.account.address)], { account: third.account }));
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(TRUTH, third), f.court, "RivalNotEligible", [id, third.account.address]);
    await joinAsRival(f, id, TRUTH, watchtower);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(TRUTH, third), f.court, "RivalTaken", [id, watchtower.account.address]);
    const { windowEnd } = await f.court.read.disputeOf([id]);
    await f.networkHelpers.time.increaseTo(windowEnd);
    await f.viem.assertions.revertWithCustomErrorWithArgs(join(TRUTH, third), f.court, "RivalWindowClosed", [id, BigInt(windowEnd)]);
  });

  it("governance cannot set windows below the floors for which safety holds (SAFE_WINDOWS), nor an unbounded arbitration period", async () => {
    const f = await deployMarket();
    const cases = [
      [f.market, "challengeWindow", SAFE_WINDOWS.challengeWindow, 7 * 86_400],
      [f.court, "commitPeriod", SAFE_WINDOWS.commitPeriod, 7 * 86_400],
      [f.court, "revealPeriod", SAFE_WINDOWS.revealPeriod, 7 * 86_400],
      [f.court, "arbitrationPeriod", 600, 60 * 86_400],
    ] as const;
    for (const [contract, name, min, max] of cases) {
      const set = (v: number) => (contract as typeof f.court).write.setParameter([param(name), BigInt(v)]);
      await f.viem.assertions.revertWithCustomErrorWithArgs(set(min - 1), contract, "ParameterOutOfBounds", [param(name), BigInt(min - 1), BigInt(min), BigInt(max)]);
      await f.viem.assertions.revertWithCustomErrorWithArgs(set(max + 1), contract, "ParameterOutOfBounds", [param(name), BigInt(max + 1), BigInt(min), BigInt(max)]);
      await set(min);
    }
    assert.equal(await f.court.read.MIN_VOTE_PERIOD(), BigInt(SAFE_WINDOWS.commitPeriod));
  });
});
