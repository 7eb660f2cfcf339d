import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { keccak256, zeroAddress, zeroHash, type Hex } from "viem";
import { deployMarket, PAR, param, type MarketFixture } from "./helpers/market.js";

const GOOD = "0x0a00000000000000f4ffffffffffffff" as Hex;
const BAD = "0x0b00000000000000f4ffffffffffffff" as Hex;
const SALT = keccak256("0x5a");

/** `n` keepers with 100 PAR each and a 1 PAR task (deadline in 3600 s) claimed by its assignee. */
async function claimed(n = 3, opts: { deadlineIn?: number; callback?: Hex; callbackGas?: number } = {}) {
  const f = await deployMarket();
  for (const w of f.keeperWallets.slice(0, n)) await f.register(w, 100n * PAR);
  const id = await f.post(f.requester, { fee: PAR, ...opts });
  const keeper = await f.claimAsAssignee(id);
  const other = f.keeperWallets.slice(0, n).find((w) => w !== keeper)!;
  return { f, id, keeper, other };
}

/** A task answered GOOD and challenged with BAD, its jury drawn (seven keepers: a full jury of five). */
async function voting() {
  const { f, id, other } = await claimed(7);
  await f.submit(id, GOOD);
  await f.challenge(id, BAD, other);
  await f.closeChallengeWindow(id);
  await f.court.write.drawJury([id]);
  const jurors = (await f.court.read.disputeOf([id])).jurors;
  return { f, id, juror: f.byAddress(jurors[0]) };
}

const commitment = (f: MarketFixture, id: bigint, juror: Hex, vote = 1) => f.court.read.voteCommitment([id, 0, vote, SALT, juror]);

describe("TaskMarket reverts", () => {
  it("reverts WrongStatus when a task is submitted, finalized, claimed or expired in the wrong state", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR);
    const id = await f.post(f.requester, { fee: PAR, deadlineIn: 100 });
    const k = f.keeperWallets[0];
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.submit([id, f.book.get(id)!, GOOD], { account: k.account }),
      f.market,
      "WrongStatus",
      [id, 1],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.finalize([id]), f.market, "WrongStatus", [id, 1]);
    await f.claimAsAssignee(id);
    await f.submit(id, GOOD);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([id, f.book.get(id)!], { account: k.account }),
      f.market,
      "WrongStatus",
      [id, 3],
    );
    await f.networkHelpers.time.increase(101);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.expire([[id], [f.book.get(id)!]]),
      f.market,
      "WrongStatus",
      [id, 3],
    );
  });

  it("reverts InvalidBatch when a batch is empty or its arrays differ in length", async () => {
    const { f, id, keeper } = await claimed();
    const t = f.book.get(id)!;
    await f.viem.assertions.revertWithCustomError(f.market.write.postBatch([[]]), f.market, "InvalidBatch");
    await f.viem.assertions.revertWithCustomError(f.market.write.claimBatch([[id], []]), f.market, "InvalidBatch");
    await f.viem.assertions.revertWithCustomError(
      f.market.write.submitBatch([[id], [t], []], { account: keeper.account }),
      f.market,
      "InvalidBatch",
    );
    await f.viem.assertions.revertWithCustomError(f.market.write.finalize([[], [], []]), f.market, "InvalidBatch");
    await f.viem.assertions.revertWithCustomError(f.market.write.finalize([[id], [t], [GOOD, GOOD]]), f.market, "InvalidBatch");
    await f.viem.assertions.revertWithCustomError(f.market.write.expire([[id], []]), f.market, "InvalidBatch");
  });

  it("reverts NotEligible when an unregistered account or a keeper not serving the model claims, or a non-keeper challenges", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR);
    await f.register(f.keeperWallets[1], 100n * PAR, [2]); // serves only model 2
    const id = await f.post(f.requester, { fee: PAR });
    await f.networkHelpers.time.increase(30); // past the assign window
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([id, f.book.get(id)!], { account: f.stranger.account }),
      f.market,
      "NotEligible",
      [f.stranger.account.address, 1],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([id, f.book.get(id)!], { account: f.keeperWallets[1].account }),
      f.market,
      "NotEligible",
      [f.keeperWallets[1].account.address, 1],
    );
    await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: f.keeperWallets[0].account }));
    await f.submit(id, GOOD);
    await f.commitChallenge(id, keccak256(BAD), f.stranger);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.challenge([id, f.book.get(id)!, keccak256(BAD), BAD, ""], { account: f.stranger.account }),
      f.market,
      "NotEligible",
      [f.stranger.account.address, 1],
    );
  });

  it("reverts DeadlinePassed when a task is claimed or submitted after its deadline", async () => {
    const { f, id, keeper } = await claimed(2, { deadlineIn: 200 });
    const open = await f.post(f.requester, { fee: PAR, deadlineIn: 50 });
    await f.networkHelpers.time.increase(201);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.submit([id, f.book.get(id)!, GOOD], { account: keeper.account }),
      f.market,
      "DeadlinePassed",
      [id, BigInt(f.book.get(id)!.deadline)],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.claim([open, f.book.get(open)!], { account: keeper.account }),
      f.market,
      "DeadlinePassed",
      [open, BigInt(f.book.get(open)!.deadline)],
    );
  });

  it("reverts NotClaimant when a keeper other than the claimant submits", async () => {
    const { f, id, keeper, other } = await claimed();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.submit([id, f.book.get(id)!, GOOD], { account: other.account }),
      f.market,
      "NotClaimant",
      [other.account.address, keeper.account.address],
    );
  });

  it("reverts InvalidResult when submitHash gets a zero hash", async () => {
    const { f, id, keeper } = await claimed();
    await f.viem.assertions.revertWithCustomError(
      f.market.write.submitHash([id, f.book.get(id)!, zeroHash, "ipfs://x"], { account: keeper.account }),
      f.market,
      "InvalidResult",
    );
  });

  it("reverts ChallengeWindowOpen when finalized inside the challenge window", async () => {
    const { f, id } = await claimed();
    await f.submit(id, GOOD);
    const endsAt = BigInt(f.book.get(id)!.since + 600);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.finalize([id]), f.market, "ChallengeWindowOpen", [id, endsAt]);
  });

  it("reverts OutputMismatch when a challenge's inline output does not hash to its result hash", async () => {
    const { f, id, other } = await claimed();
    await f.submit(id, GOOD);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.challenge([id, f.book.get(id)!, keccak256(GOOD), BAD, ""], { account: other.account }),
      f.market,
      "OutputMismatch",
      [id, keccak256(GOOD), keccak256(BAD)],
    );
  });

  it("reverts InsufficientCallbackGas when the finalizer leaves the callback less than its gas", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR);
    const consumer = await f.viem.deployContract("MaliciousConsumer", [f.market.address, 0]);
    const id = await f.post(f.requester, { fee: PAR, callback: consumer.address, callbackGas: 500_000 });
    await f.claimAsAssignee(id);
    await f.submit(id, GOOD);
    await f.networkHelpers.time.increase(600);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.finalize([[id], [f.book.get(id)!], [GOOD]], { gas: 300_000n }),
      f.market,
      "InsufficientCallbackGas",
    );
    await f.finalize([id], [GOOD]);
    assert.equal(await consumer.read.lastTaskId(), id);
  });

  it("reverts ZeroAddress when the treasury or the court is set to zero", async () => {
    const f = await deployMarket();
    await f.viem.assertions.revertWithCustomError(f.market.write.setTreasury([zeroAddress]), f.market, "ZeroAddress");
    const extension = await f.impl.read.extension();
    const fresh = await f.viem.deployContract("TaskMarket", [
      f.token.address, f.models.address, f.keepers.address, f.pool.address, f.admin.account.address, extension,
    ]);
    const market = await f.viem.getContractAt("ITaskMarket", fresh.address);
    await f.viem.assertions.revertWithCustomError(market.write.setCourt([zeroAddress]), market, "ZeroAddress");
    // An extension built for another token (or registry, or pool) is refused.
    await assert.rejects(
      f.viem.deployContract("TaskMarket", [f.models.address, f.models.address, f.keepers.address, f.pool.address, f.admin.account.address, extension]),
      /ExtensionMismatch/,
    );
    await f.viem.assertions.emitWithArgs(
      f.market.write.setTreasury([f.stranger.account.address]),
      f.market,
      "TreasurySet",
      [f.stranger.account.address],
    );
  });
});

describe("TaskCourt reverts", () => {
  it("reverts NotMarket when anyone but the market opens a dispute", async () => {
    const { f, id, other } = await claimed();
    await f.submit(id, GOOD);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.open([id, f.book.get(id)!, other.account.address, keccak256(BAD), PAR], { account: other.account }),
      f.court,
      "NotMarket",
      [other.account.address],
    );
  });

  it("reverts AlreadyVoted when a juror commits or reveals twice", async () => {
    const { f, id, juror } = await voting();
    const c = await commitment(f, id, juror.account.address);
    await f.court.write.commitVote([id, c], { account: juror.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.commitVote([id, c], { account: juror.account }),
      f.court,
      "AlreadyVoted",
      [id, juror.account.address],
    );
    await f.networkHelpers.time.increase(301);
    await f.court.write.revealVote([id, 1, SALT], { account: juror.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.revealVote([id, 1, SALT], { account: juror.account }),
      f.court,
      "AlreadyVoted",
      [id, juror.account.address],
    );
  });

  it("reverts NotRevealPeriod when a juror reveals during the commit period or after the reveal period", async () => {
    const { f, id, juror } = await voting();
    await f.court.write.commitVote([id, await commitment(f, id, juror.account.address)], { account: juror.account });
    const d = await f.court.read.disputeOf([id]);
    const args: [bigint, bigint, bigint] = [id, BigInt(d.commitEnd), BigInt(d.revealEnd)];
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.revealVote([id, 1, SALT], { account: juror.account }),
      f.court,
      "NotRevealPeriod",
      args,
    );
    await f.networkHelpers.time.increase(601);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.revealVote([id, 1, SALT], { account: juror.account }),
      f.court,
      "NotRevealPeriod",
      args,
    );
  });

  it("reverts CommitPeriodOver when a juror commits after the commit period", async () => {
    const { f, id, juror } = await voting();
    const commitEnd = (await f.court.read.disputeOf([id])).commitEnd;
    await f.networkHelpers.time.increase(301);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.commitVote([id, await commitment(f, id, juror.account.address)], { account: juror.account }),
      f.court,
      "CommitPeriodOver",
      [id, BigInt(commitEnd)],
    );
  });

  it("reverts WrongPhase when arbitrating a dispute not escalated, and InvalidOutcome when the arbiter picks no side", async () => {
    // Three keepers: after submitter and challenger, one candidate juror cannot fill a jury of five.
    const { f, id, other } = await claimed(3);
    await f.submit(id, GOOD);
    await f.challenge(id, BAD, other);
    await f.networkHelpers.mine(1);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.arbitrate([id, f.book.get(id)!, 1, "0x"]),
      f.court,
      "WrongPhase",
      [id, 1],
    );
    await f.closeChallengeWindow(id);
    await f.court.write.drawJury([id]); // round 0 fails: a larger jury
    await f.networkHelpers.mine(1);
    await f.court.write.drawJury([id]); // round 1 fails: to the arbiter
    assert.equal((await f.court.read.disputeOf([id])).phase, 3);
    await f.viem.assertions.revertWithCustomError(
      f.court.write.arbitrate([id, f.book.get(id)!, 0, "0x"]),
      f.court,
      "InvalidOutcome",
    );
    await f.court.write.arbitrate([id, f.book.get(id)!, 1, "0x"]);
    assert.equal(await f.market.read.statusOf([id]), 0);
  });

  it("sets court parameters within bounds; rejects out-of-bounds values, unknown names and strangers", async () => {
    const f = await deployMarket();
    await f.viem.assertions.emitWithArgs(
      f.court.write.setParameter([param("jurySize"), 7n]),
      f.court,
      "ParameterSet",
      [param("jurySize"), 5n, 7n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.setParameter([param("jurySize"), 16n]),
      f.court,
      "ParameterOutOfBounds",
      [param("jurySize"), 16n, 1n, 15n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.setParameter([param("burnBps"), 5001n]),
      f.court,
      "ParameterOutOfBounds",
      [param("burnBps"), 5001n, 0n, 5000n],
    );
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.court.write.setParameter([param("nope"), 1n]),
      f.court,
      "UnknownParameter",
      [param("nope")],
    );
    await f.viem.assertions.revertWithCustomError(
      f.court.write.setParameter([param("jurySize"), 3n], { account: f.stranger.account }),
      f.court,
      "AccessControlUnauthorizedAccount",
    );
  });
});
