import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { keccak256, parseEventLogs, zeroAddress, zeroHash, type Hex } from "viem";
import { deployMarket, PAR, param, WORK_PER_CU } from "./helpers/market.js";

const OUTPUT = "0x0a00000000000000f4ffffffffffffff" as Hex;

/** Two staked keepers (100 PAR each) serving both models. */
async function withKeepers() {
  const f = await deployMarket();
  await f.register(f.keeperWallets[0], 100n * PAR);
  await f.register(f.keeperWallets[1], 100n * PAR);
  return f;
}

describe("TaskMarket lifecycle", () => {
  it("post → claim → submit → finalize pays the keeper's pool, the treasury and credits CU", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: 2n * PAR });
    assert.equal(await f.balance(f.market.address), 2n * PAR);
    assert.equal(await f.market.read.statusOf([id]), 1);
    const keeper = await f.claimAsAssignee(id);
    const bond = await f.market.read.bondFor([2n * PAR]);
    assert.equal(bond, 20n * PAR); // 10 × fee
    assert.equal(await f.keepers.read.lockedBondOf([keeper.account.address]), bond);
    await f.submit(id, OUTPUT);
    assert.equal(f.book.get(id)!.resultHash, keccak256(OUTPUT));
    await f.networkHelpers.time.increase(600);
    const registryBefore = await f.balance(f.keepers.address);
    await f.finalize([id]);
    const protocol = (2n * PAR * 500n) / 10_000n;
    // finalize accrues into the keeper's account in the market; flush pays it out
    assert.deepEqual(await f.market.read.accountOf([keeper.account.address]), [
      2n * PAR - protocol, protocol, await f.pool.read.currentEpoch(), 100n * WORK_PER_CU,
    ]);
    assert.equal(await f.balance(f.keepers.address), registryBefore);
    await f.flush([keeper.account.address]);
    assert.equal(await f.balance(f.keepers.address) - registryBefore, 2n * PAR - protocol);
    assert.equal(await f.market.read.protocolFees(), protocol);
    assert.equal(await f.balance(f.market.address), protocol);
    assert.equal(await f.keepers.read.lockedBondOf([keeper.account.address]), 0n);
    assert.equal(await f.work(keeper.account.address), 100n * WORK_PER_CU);
    assert.equal(await f.market.read.statusOf([id]), 0);
    await f.market.write.withdrawProtocolFees();
    assert.equal(await f.balance(f.admin.account.address), protocol);
    assert.equal(await f.balance(f.market.address), 0n);
  });

  it("claimAndSubmit: the assignee claims and submits in one transaction, with the claim's bond and checks; it finalizes as the two-step path does", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: 2n * PAR });
    await f.networkHelpers.mine(2);
    const assignee = f.byAddress(await f.market.read.assigneeOf([id, f.book.get(id)!]));
    const other = f.keeperWallets.find((w) => w !== assignee)!;
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claimAndSubmit([id, f.book.get(id)!, OUTPUT], { account: other.account }),
      f.market,
      "NotAssignee",
    );
    const receipt = await f.track(await f.market.write.claimAndSubmit([id, f.book.get(id)!, OUTPUT], { account: assignee.account }));
    const names = parseEventLogs({ abi: f.market.abi, logs: receipt.logs }).map((l) => l.eventName);
    assert.deepEqual(names, ["TaskClaimed", "ResultSubmitted"]);
    assert.equal(await f.market.read.statusOf([id]), 3, "Submitted");
    assert.equal(f.book.get(id)!.resultHash, keccak256(OUTPUT));
    assert.equal(await f.keepers.read.lockedBondOf([assignee.account.address]), 20n * PAR, "the claim's bond: 10 × fee");
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claimAndSubmit([id, f.book.get(id)!, OUTPUT], { account: assignee.account }),
      f.market,
      "WrongStatus",
    );
    await f.networkHelpers.time.increase(600);
    await f.finalize([id]);
    assert.equal(await f.keepers.read.lockedBondOf([assignee.account.address]), 0n);
    assert.equal((await f.market.read.accountOf([assignee.account.address]))[0], 2n * PAR - (2n * PAR * 500n) / 10_000n);
  });

  it("claimAndSubmitBatch claims and submits many tasks with one bond lock; a mismatched batch reverts InvalidBatch", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 100n * PAR); // the only keeper: the assignee of every task
    const ids = [await f.post(), await f.post(), await f.post()];
    await f.networkHelpers.mine(2);
    const k = f.keeperWallets[0];
    const tasks = ids.map((id) => f.book.get(id)!);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claimAndSubmitBatch([ids, tasks, [OUTPUT]], { account: k.account }),
      f.market,
      "InvalidBatch",
    );
    await f.track(await f.market.write.claimAndSubmitBatch([ids, tasks, ids.map(() => OUTPUT)], { account: k.account }));
    for (const id of ids) assert.equal(await f.market.read.statusOf([id]), 3, `task ${id} Submitted`);
    assert.equal(await f.keepers.read.lockedBondOf([k.account.address]), 3n * (await f.market.read.bondFor([PAR])));
  });

  it("reverts NotAssignee when another keeper claims inside the assign window, and lets it claim after", async () => {
    const f = await withKeepers();
    const id = await f.post();
    await f.networkHelpers.mine(2);
    const assignee = await f.market.read.assigneeOf([id, f.book.get(id)!]);
    const other = f.keeperWallets.find((w) => w.account.address.toLowerCase() !== assignee.toLowerCase())!;
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claim([id, f.book.get(id)!], { account: other.account }),
      f.market,
      "NotAssignee",
    );
    await f.networkHelpers.time.increase(30);
    await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: other.account }));
    assert.equal(f.book.get(id)!.keeper.toLowerCase(), other.account.address.toLowerCase());
  });

  it("reverts AssignmentPending when claimed in the block right after the post", async () => {
    const f = await withKeepers();
    await f.networkHelpers.mine(); // nothing
    const id = await f.post();
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claim([id, f.book.get(id)!], { account: f.keeperWallets[0].account }),
      f.market,
      "AssignmentPending",
    );
  });

  it("lets any eligible keeper take over a lapsed claim; the lapsed claimant pays the liveness penalty to the requester", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: PAR });
    const first = await f.claimAsAssignee(id);
    const other = f.keeperWallets.find((w) => w !== first)!;
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claim([id, f.book.get(id)!], { account: other.account }),
      f.market,
      "ClaimNotLapsed",
    );
    await f.networkHelpers.time.increase(121);
    const before = await f.balance(f.requester.account.address);
    await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: other.account }));
    const penalty = (10n * PAR * 1000n) / 10_000n;
    assert.equal(await f.balance(f.requester.account.address) - before, penalty);
    assert.equal(await f.keepers.read.lockedBondOf([first.account.address]), 0n);
    assert.equal(await f.keepers.read.lockedBondOf([other.account.address]), 10n * PAR);
  });

  it("expires an unclaimed task after its deadline with a full refund", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: 3n * PAR, deadlineIn: 100 });
    const before = await f.balance(f.requester.account.address);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.expire([[id], [f.book.get(id)!]]),
      f.market,
      "NotExpired",
    );
    await f.networkHelpers.time.increase(101);
    await f.market.write.expire([[id], [f.book.get(id)!]], { account: f.stranger.account });
    assert.equal(await f.balance(f.requester.account.address) - before, 3n * PAR);
    assert.equal(await f.balance(f.market.address), 0n);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.expire([[id], [f.book.get(id)!]]),
      f.market,
      "TaskMismatch",
    );
  });

  it("expires a claimed task: refund plus the claimant's liveness penalty, rest of the bond unlocked", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: PAR, deadlineIn: 200 });
    const keeper = await f.claimAsAssignee(id);
    const before = await f.balance(f.requester.account.address);
    await f.networkHelpers.time.increase(201);
    await f.market.write.expire([[id], [f.book.get(id)!]]);
    assert.equal(await f.balance(f.requester.account.address) - before, PAR + PAR); // fee + 10% of a 10 PAR bond
    assert.equal(await f.keepers.read.lockedBondOf([keeper.account.address]), 0n);
    assert.equal(await f.keepers.read.stakeOf([keeper.account.address]), 99n * PAR);
  });

  it("batches: postBatch, claimBatch, submitBatch, finalize many with one payout per keeper", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 1000n * PAR);
    const k = f.keeperWallets[0];
    const n = 5;
    await f.mint(f.requester.account.address, BigInt(n) * PAR);
    await f.token.write.approve([f.market.address, BigInt(n) * PAR], { account: f.requester.account });
    const deadline = (await f.now()) + 3600;
    const params = Array.from({ length: n }, (_, i) => ({
      modelId: 1, items: 1, fee: PAR, deadline, callback: zeroAddress, callbackGas: 0,
      input: `0x0${i}` as Hex, inputHash: `0x${"00".repeat(32)}` as Hex, inputURI: "",
    }));
    await f.track(await f.market.write.postBatch([params], { account: f.requester.account }));
    const ids = [1n, 2n, 3n, 4n, 5n];
    await f.networkHelpers.mine();
    await f.track(await f.market.write.claimBatch([ids, ids.map((i) => f.book.get(i)!)], { account: k.account }));
    assert.equal(await f.keepers.read.lockedBondOf([k.account.address]), BigInt(n) * 10n * PAR);
    const outputs = ids.map(() => OUTPUT);
    await f.track(await f.market.write.submitBatch([ids, ids.map((i) => f.book.get(i)!), outputs], { account: k.account }));
    await f.networkHelpers.time.increase(600);
    await f.finalize(ids);
    assert.equal(await f.keepers.read.lockedBondOf([k.account.address]), 0n);
    await f.flush([k.account.address]);
    assert.equal(await f.work(k.account.address), 500n * WORK_PER_CU);
    assert.equal(await f.balance(f.market.address), (BigInt(n) * PAR * 500n) / 10_000n);
  });
});

describe("TaskMarket posting rules", () => {
  it("reverts FeeBelowMinimum under minFeePerCU × CU and ModelNotApproved for an unknown model", async () => {
    const f = await withKeepers();
    await f.pool.write.setParameter([param("minFeePerCUCeiling"), 10n ** 6n]);
    await f.pool.write.setParameter([param("minFeePerCUFloor"), 1000n]);
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { fee: 99_999n }), f.market, "FeeBelowMinimum");
    await f.post(f.requester, { fee: 100_000n });
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { modelId: 9 }), f.market, "ModelNotApproved");
  });

  it("rate-limits zero-fee tasks per requester and credits them at zeroFeeCreditBps", async () => {
    const f = await deployMarket();
    await f.register(f.keeperWallets[0], 0n);
    await f.market.write.setParameter([param("zeroFeeLimit"), 2n]);
    const a = await f.post(f.requester, { fee: 0n });
    await f.post(f.requester, { fee: 0n });
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { fee: 0n }), f.market, "ZeroFeeRateLimited");
    assert.equal(await f.market.read.zeroFeeAllowance([f.requester.account.address]), 0n);
    const k = await f.claimAsAssignee(a);
    assert.equal(f.book.get(a)!.bond, 0n); // a 0-stake genesis keeper can take zero-fee tasks
    await f.submit(a, OUTPUT);
    await f.networkHelpers.time.increase(600);
    await f.finalize([a]);
    await f.flush([k.account.address]);
    assert.equal(await f.work(k.account.address), 100n * 1000n); // 100 CU at 10% (1,000 of 10,000 units per CU)
  });

  it("reverts InputTooLarge, EmptyInput, InvalidDeadline and InvalidCallbackGas", async () => {
    const f = await withKeepers();
    const big = `0x${"11".repeat(4097)}` as Hex;
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { input: big }), f.market, "InputTooLarge");
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { input: "0x" }), f.market, "EmptyInput");
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { deadlineIn: -1 }), f.market, "InvalidDeadline");
    await f.viem.assertions.revertWithCustomError(
      f.post(f.requester, { callback: f.stranger.account.address, callbackGas: 0 }),
      f.market,
      "InvalidCallbackGas",
    );
  });

  it("rejects a forged task struct with TaskMismatch", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: PAR });
    await f.networkHelpers.time.increase(30);
    const forged = { ...f.book.get(id)!, fee: 1000n * PAR };
    await f.viem.assertions.revertWithCustomError(
      f.market.write.claim([id, forged], { account: f.keeperWallets[0].account }),
      f.market,
      "TaskMismatch",
    );
  });
});

describe("TaskMarket governance", () => {
  it("sets parameters within bounds with ParameterSet, rejects out-of-bounds, unknown names and strangers", async () => {
    const f = await deployMarket();
    await f.viem.assertions.emitWithArgs(
      f.market.write.setParameter([param("challengeWindow"), 60n]),
      f.market,
      "ParameterSet",
      [param("challengeWindow"), 600n, 60n],
    );
    assert.equal(await f.market.read.challengeWindow(), 60n);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.setParameter([param("protocolFeeBps"), 2001n]),
      f.market,
      "ParameterOutOfBounds",
    );
    await f.viem.assertions.revertWithCustomError(
      f.market.write.setParameter([param("nope"), 1n]),
      f.market,
      "UnknownParameter",
    );
    await f.viem.assertions.revertWithCustomError(
      f.market.write.setParameter([param("challengeWindow"), 60n], { account: f.stranger.account }),
      f.impl,
      "AccessControlUnauthorizedAccount",
    );
    await f.viem.assertions.revertWithCustomError(
      f.market.write.setCourt([f.stranger.account.address]),
      f.market,
      "CourtAlreadySet",
    );
  });

  it("refuses direct calls to the extension and settle from anyone but the court", async () => {
    const f = await withKeepers();
    const ext = await f.viem.getContractAt("TaskMarketExtension", await f.impl.read.extension());
    await f.viem.assertions.revertWithCustomError(ext.write.withdrawProtocolFees(), ext, "NotDelegated");
    const id = await f.post();
    await f.viem.assertions.revertWithCustomError(
      f.market.write.settle([id, f.book.get(id)!, zeroAddress, zeroHash, "0x"], { account: f.stranger.account }),
      f.market,
      "NotCourt",
    );
  });
});

describe("TaskMarket keeper accounts", () => {
  /** Posts, claims, submits and finalizes one task; returns its keeper. */
  async function finalizeOne(f: Awaited<ReturnType<typeof withKeepers>>) {
    const id = await f.post(f.requester, { fee: PAR });
    const keeper = await f.claimAsAssignee(id);
    await f.submit(id, OUTPUT);
    await f.networkHelpers.time.increase(600);
    await f.finalize([id]);
    return keeper;
  }

  it("keeps an epoch with unflushed work open (WorkDeferred) until flush credits it to that epoch", async () => {
    const f = await withKeepers();
    const keeper = await finalizeOne(f);
    const epoch = await f.pool.read.currentEpoch();
    assert.equal(await f.pool.read.deferredOf([epoch]), 1n);
    await f.networkHelpers.time.increase(3600);
    await f.viem.assertions.revertWithCustomError(f.pool.write.closeEpoch(), f.pool, "WorkDeferred");
    await f.viem.assertions.emitWithArgs(
      f.market.write.flush([[keeper.account.address]], { account: f.stranger.account }),
      f.market,
      "Flushed",
      [keeper.account.address, PAR - PAR / 20n, PAR / 20n, epoch, 100n * WORK_PER_CU],
    );
    assert.deepEqual(await f.pool.read.workOf([epoch, keeper.account.address]), [100n * WORK_PER_CU, false]);
    assert.equal(await f.pool.read.deferredOf([epoch]), 0n);
    await f.pool.write.closeEpoch();
    assert.deepEqual(await f.market.read.accountOf([keeper.account.address]), [0n, 0n, epoch, 0n]);
  });

  it("settles the previous epoch's work when a keeper's next finalize falls in a later epoch", async () => {
    const f = await withKeepers();
    await f.market.write.setParameter([param("assignWindow"), 1n]);
    const first = await finalizeOne(f);
    const epoch = await f.pool.read.currentEpoch();
    await f.networkHelpers.time.increase(3600);
    // the same keeper takes the next task (after the 1 s window anyone eligible may claim)
    const id = await f.post(f.requester, { fee: PAR });
    await f.networkHelpers.time.increase(2);
    await f.track(await f.market.write.claim([id, f.book.get(id)!], { account: first.account }));
    await f.submit(id, OUTPUT);
    await f.networkHelpers.time.increase(600);
    await f.finalize([id]);
    // the earlier epoch's work is settled, backed by half (backingBps) of its own protocol fee,
    // which moves to the counter
    assert.deepEqual(await f.pool.read.creditOf([epoch, first.account.address]), [100n * WORK_PER_CU, 0n, PAR / 40n]);
    assert.equal(await f.pool.read.deferredOf([epoch]), 0n);
    assert.equal(await f.market.read.protocolFees(), PAR / 20n);
    const [pay, protocol, now, credit] = await f.market.read.accountOf([first.account.address]);
    assert.deepEqual([pay, protocol, now, credit], [2n * (PAR - PAR / 20n), PAR / 20n, epoch + 1n, 100n * WORK_PER_CU]);
  });
});
