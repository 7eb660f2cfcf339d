import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { bytesToHex, hexToBytes, keccak256, type Hex } from "viem";
import { encodeLot } from "../keepers/src/lot.js";
import { BURN, deployMarket, PAR, WORK_PER_CU, type MarketFixture } from "./helpers/market.js";

const GOOD = "0x0a00000000000000f4ffffffffffffff" as Hex;
const BAD = "0x0b00000000000000f4ffffffffffffff" as Hex;
const SALT = keccak256("0x5a");

/** Seven keepers with 100 PAR each; a task posted, claimed by its assignee and answered `answer`. */
async function submitted(answer: Hex, lot?: { items: number; input: Hex }) {
  const f = await deployMarket();
  // 14 keepers: a jury of 5 drawn at random (4 draws per seat) from the 12 non-parties fills
  // with near certainty, so the test doesn't depend on the block hash it happens to get.
  for (const w of f.keeperWallets) await f.register(w, 100n * PAR);
  const id = await f.post(f.requester, { fee: PAR, ...lot });
  const submitter = await f.claimAsAssignee(id);
  await f.submit(id, answer);
  const challenger = f.keeperWallets.find((w) => w !== submitter)!;
  return { f, id, submitter, challenger };
}

/** Challenges with `output` and draws a full jury of `jurySize`. */
async function challengeAndDraw(f: MarketFixture, id: bigint, challenger: MarketFixture["admin"], output: Hex) {
  await f.challenge(id, output, challenger);
  return f.drawFullJury(id);
}

/** Each juror commits and reveals `votes[i]` (0 = stays silent). */
const vote = (f: MarketFixture, id: bigint, jurors: readonly `0x${string}`[], votes: number[]) => f.vote(id, jurors, votes, SALT);

describe("TaskCourt disputes", () => {
  it("honest keeper beats a lying challenger: challenger's bond split to keeper, jurors and burn, to the base unit", async () => {
    const { f, id, submitter, challenger } = await submitted(GOOD);
    const jurors = await challengeAndDraw(f, id, challenger, BAD);
    assert.equal(jurors.length, 5);
    await vote(f, id, jurors, [1, 1, 1, 1, 1]);
    const bond = 10n * PAR;
    const before = {
      submitter: await f.balance(submitter.account.address),
      juror: await f.balance(jurors[0]),
      burn: await f.balance(BURN),
      registry: await f.balance(f.keepers.address),
    };
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    await f.flush([submitter.account.address]);
    const toJurors = (bond * 2000n) / 10_000n;
    const burned = (bond * 1000n) / 10_000n;
    assert.equal(await f.balance(submitter.account.address) - before.submitter, bond - toJurors - burned);
    assert.equal(await f.balance(jurors[0]) - before.juror, toJurors / 5n);
    assert.equal(await f.balance(BURN) - before.burn, burned);
    assert.equal(await f.keepers.read.stakeOf([challenger.account.address]), 90n * PAR);
    assert.equal(await f.keepers.read.lockedBondOf([submitter.account.address]), 0n);
    // fee to the submitter's pool, less the protocol fee; the court holds nothing
    assert.equal(await f.balance(f.keepers.address) - before.registry + bond, PAR - PAR / 20n);
    assert.equal(await f.balance(f.court.address), 0n);
    assert.equal(await f.balance(f.market.address), PAR / 20n);
    assert.equal(await f.market.read.statusOf([id]), 0);
    // jury duty: the majority shares the task's own work and backing (5 jurors), so a staged dispute
    // earns no more than the task would
    assert.deepEqual(await f.pool.read.creditOf([await f.pool.read.currentEpoch(), jurors[0]]),
      [100n * WORK_PER_CU / 5n, 0n, PAR / 20n / 2n / 5n]); // backingBps: half the protocol fee
  });

  it("honest challenger beats a lying keeper: the keeper loses max(bond, slashBps of stake), the challenger is paid the fee", async () => {
    const { f, id, submitter, challenger } = await submitted(BAD);
    const jurors = await challengeAndDraw(f, id, challenger, GOOD);
    await vote(f, id, jurors, [2, 2, 2, 2, 2]);
    const before = await f.balance(challenger.account.address);
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    await f.flush([challenger.account.address]);
    const slashed = 10n * PAR; // max(10 PAR bond, 10% of 100 PAR)
    assert.equal(await f.keepers.read.stakeOf([submitter.account.address]), 90n * PAR);
    assert.equal(await f.balance(challenger.account.address) - before, slashed - slashed / 5n - slashed / 10n);
    assert.equal(await f.keepers.read.lockedBondOf([challenger.account.address]), 0n);
    assert.equal(await f.work(challenger.account.address), 100n * WORK_PER_CU);
    assert.equal(await f.work(submitter.account.address), 0n);
  });

  it("a lot is disputed as one task: a lie in one item loses the whole lot, whose fee and CU × items go to the honest challenger", async () => {
    const lot = (...items: Hex[]) => bytesToHex(encodeLot(items.map((i) => hexToBytes(i))));
    const { f, id, submitter, challenger } = await submitted(lot(GOOD, BAD, GOOD), { items: 3, input: lot("0x01", "0x02", "0x03") });
    const jurors = await challengeAndDraw(f, id, challenger, lot(GOOD, GOOD, GOOD));
    await vote(f, id, jurors, [2, 2, 2, 2, 2]);
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    await f.flush([challenger.account.address]);
    assert.equal(await f.keepers.read.stakeOf([submitter.account.address]), 90n * PAR);
    assert.equal(await f.work(challenger.account.address), 3n * 100n * WORK_PER_CU);
    assert.equal(await f.market.read.statusOf([id]), 0);
  });

  it("penalises a non-revealing and a minority juror and pays their penalties to the majority", async () => {
    const { f, id, challenger } = await submitted(GOOD);
    const jurors = await challengeAndDraw(f, id, challenger, BAD);
    await vote(f, id, jurors, [1, 1, 1, 2, 0]);
    const silentBefore = await f.keepers.read.stakeOf([jurors[4]]);
    const majBefore = await f.balance(jurors[0]);
    await f.networkHelpers.time.increase(301); // the silent juror keeps the reveal period open
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    const penalty = 10n ** 7n;
    assert.equal(silentBefore - (await f.keepers.read.stakeOf([jurors[4]])), penalty);
    assert.equal(100n * PAR - (await f.keepers.read.stakeOf([jurors[3]])), penalty);
    const share = ((10n * PAR * 2000n) / 10_000n + 2n * penalty) / 3n;
    assert.equal(await f.balance(jurors[0]) - majBefore, share);
    assert.equal(await f.balance(f.court.address), 0n);
  });

  it("a split committee goes to a larger jury, then no quorum goes to the arbiter, who decides", async () => {
    const { f, id, submitter, challenger } = await submitted(GOOD);
    await f.court.write.setParameter([`0x${Buffer.from("jurySize").toString("hex").padEnd(64, "0")}`, 2n]);
    const jurors = await challengeAndDraw(f, id, challenger, BAD);
    assert.equal(jurors.length, 2);
    await vote(f, id, jurors, [1, 2]);
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    let d = await f.court.read.disputeOf([id]);
    assert.equal(d.round, 1);
    assert.equal(d.phase, 1); // Drawing
    await f.networkHelpers.mine(1);
    await f.court.write.drawJury([id]);
    const round1 = (await f.court.read.disputeOf([id])).jurors;
    await vote(f, id, round1, round1.map(() => 0)); // nobody votes
    await f.networkHelpers.time.increase(301);
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    d = await f.court.read.disputeOf([id]);
    assert.equal(d.phase, 3); // Escalated
    await f.viem.assertions.revertWithCustomError(
      f.court.write.arbitrate([id, f.book.get(id)!, 1, "0x"], { account: f.stranger.account }),
      f.court,
      "AccessControlUnauthorizedAccount",
    );
    await f.court.write.arbitrate([id, f.book.get(id)!, 1, "0x"]);
    assert.equal((await f.court.read.disputeOf([id])).outcome, 1);
    assert.equal(await f.keepers.read.lockedBondOf([submitter.account.address]), 0n);
    assert.equal(await f.balance(f.court.address), 0n);
  });

  it("Neither: both liars slashed, the requester refunded in full", async () => {
    const { f, id, challenger } = await submitted(BAD);
    const jurors = await challengeAndDraw(f, id, challenger, "0x0c" as Hex);
    await vote(f, id, jurors, [3, 3, 3, 3, 3]);
    const before = await f.balance(f.requester.account.address);
    await f.court.write.resolve([id, f.book.get(id)!, "0x"]);
    assert.equal(await f.balance(f.requester.account.address) - before, PAR);
    assert.equal(await f.balance(f.market.address), 0n);
    assert.equal(await f.keepers.read.stakeOf([challenger.account.address]), 90n * PAR);
  });

  it("reverts InvalidChallenge for the submitter itself or the same result, ChallengeWindowClosed after the window", async () => {
    const { f, id, submitter, challenger } = await submitted(GOOD);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.challenge([id, f.book.get(id)!, keccak256(BAD), BAD, ""], { account: submitter.account }),
      f.market,
      "InvalidChallenge",
    );
    await f.viem.assertions.revertWithCustomError(
      f.market.write.challenge([id, f.book.get(id)!, keccak256(GOOD), GOOD, ""], { account: challenger.account }),
      f.market,
      "InvalidChallenge",
    );
    await f.networkHelpers.time.increase(600);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.challenge([id, f.book.get(id)!, keccak256(BAD), BAD, ""], { account: challenger.account }),
      f.market,
      "ChallengeWindowClosed",
    );
  });

  it("reverts NotJuror, BadReveal, VotingNotOver and WrongPhase", async () => {
    const { f, id, challenger } = await submitted(GOOD);
    await f.challenge(id, BAD, challenger);
    await f.viem.assertions.revertWithCustomError(f.court.write.drawJury([id]), f.court, "SeedNotReady");
    await f.networkHelpers.mine(1);
    await f.viem.assertions.revertWithCustomError(f.court.write.drawJury([id]), f.court, "RivalWindowOpen");
    await f.closeChallengeWindow(id);
    await f.court.write.drawJury([id]);
    await f.viem.assertions.revertWithCustomError(f.court.write.drawJury([id]), f.court, "WrongPhase");
    const jurors = (await f.court.read.disputeOf([id])).jurors;
    await f.viem.assertions.revertWithCustomError(
      f.court.write.commitVote([id, SALT], { account: f.stranger.account }),
      f.court,
      "NotJuror",
    );
    const j = f.byAddress(jurors[0]);
    await f.court.write.commitVote([id, await f.court.read.voteCommitment([id, 0, 1, SALT, jurors[0]])], { account: j.account });
    await f.viem.assertions.revertWithCustomError(f.court.write.resolve([id, f.book.get(id)!, "0x"]), f.court, "VotingNotOver");
    await f.networkHelpers.time.increase(301);
    await f.viem.assertions.revertWithCustomError(
      f.court.write.revealVote([id, 2, SALT], { account: j.account }),
      f.court,
      "BadReveal",
    );
  });
});

describe("TaskMarket callbacks", () => {
  for (const [mode, name] of [[1, "reverts"], [2, "burns all its gas"], [3, "returns a returndata bomb"], [4, "tries to reenter"]] as const) {
    it(`finalizes and pays even when the callback ${name}`, async () => {
      const f = await deployMarket();
      await f.register(f.keeperWallets[0], 100n * PAR);
      const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address, mode]);
      const id = await f.post(f.requester, { fee: PAR, callback: consumer.address, callbackGas: 200_000 });
      await f.claimAsAssignee(id);
      await f.submit(id, GOOD);
      await f.networkHelpers.time.increase(600);
      await f.viem.assertions.revertWithCustomError(f.finalize([id], ["0x"]), f.market, "OutputMismatch");
      const receipt = await f.finalize([id], [GOOD]);
      assert.equal(receipt.status, "success");
      assert.equal(await f.market.read.statusOf([id]), 0);
      await f.flush([f.keeperWallets[0].account.address]);
      assert.equal(await f.balance(f.market.address), PAR / 20n);
    });
  }

  it("delivers the output to a well-behaved callback", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR);
    const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address, 0]);
    const id = await f.post(f.requester, { fee: PAR, callback: consumer.address, callbackGas: 200_000 });
    await f.claimAsAssignee(id);
    await f.submit(id, GOOD);
    await f.networkHelpers.time.increase(600);
    await f.finalize([id], [GOOD]);
    assert.equal(await consumer.read.lastTaskId(), id);
    assert.equal(await consumer.read.lastOutput(), GOOD);
  });
});

describe("ParadigmConsumer", () => {
  it("requests inference at the floor fee and receives onResult", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR);
    await f.pool.write.setParameter([`0x${Buffer.from("minFeePerCUCeiling").toString("hex").padEnd(64, "0")}`, 10n ** 6n]);
    await f.pool.write.setParameter([`0x${Buffer.from("minFeePerCUFloor").toString("hex").padEnd(64, "0")}`, 1000n]);
    const consumer = await f.viem.deployContract("EchoConsumer", [f.market.address, f.token.address]);
    await f.mint(consumer.address, PAR);
    await f.viem.assertions.revertWithCustomError(consumer.write.ask([1, "0x0102", 99_999n]), consumer, "FeeAboveMax");
    await f.track(await consumer.write.ask([1, "0x0102", PAR]));
    assert.equal(await f.balance(consumer.address), PAR - 100_000n);
    const id = 1n;
    await f.claimAsAssignee(id);
    await f.submit(id, GOOD);
    await f.networkHelpers.time.increase(600);
    await f.finalize([id], [GOOD]);
    assert.equal(await consumer.read.lastOutput(), GOOD);
    assert.equal(await consumer.read.lastTaskId(), id);
  });
});
