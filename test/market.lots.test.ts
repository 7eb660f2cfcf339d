import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { bytesToHex, hexToBytes, keccak256, parseEventLogs, type Hex } from "viem";
import { encodeLot } from "../keepers/src/lot.js";
import { deployMarket, modelSpec, PAR, param, WORK_PER_CU, type ModelSpec } from "./helpers/market.js";

const ITEM = "0x0a00000000000000f4ffffffffffffff" as Hex;
const lotOf = (n: number, item: Hex = ITEM) => bytesToHex(encodeLot(Array.from({ length: n }, () => hexToBytes(item))));

async function withKeepers(models?: readonly ModelSpec[]) {
  const f = await deployMarket(undefined, { models });
  await f.register(f.keeperWallets[0], 100n * PAR);
  await f.register(f.keeperWallets[1], 100n * PAR);
  return f;
}

describe("TaskMarket lots", () => {
  it("a lot of 3 is one task: posted with LotPosted, claimed, submitted and finalized once, paid its whole fee and credited CU × items", async () => {
    const f = await withKeepers();
    const id = await f.post(f.requester, { fee: 3n * PAR, items: 3, input: lotOf(3) });
    const [lot] = parseEventLogs({ abi: f.market.abi, logs: (await f.publicClient.getTransactionReceipt({ hash: f.last.hash })).logs, eventName: "LotPosted" });
    assert.deepEqual(lot.args, { id, items: 3 });
    assert.equal(f.book.get(id)!.computeUnits, 300);
    const keeper = await f.claimAsAssignee(id);
    assert.equal(f.book.get(id)!.bond, 30n * PAR); // 10 × the lot's fee
    const output = lotOf(3);
    await f.submit(id, output);
    assert.equal(f.book.get(id)!.resultHash, keccak256(output));
    await f.networkHelpers.time.increase(600);
    await f.finalize([id]);
    const protocol = (3n * PAR * 500n) / 10_000n;
    assert.deepEqual(await f.market.read.accountOf([keeper.account.address]), [
      3n * PAR - protocol, protocol, await f.pool.read.currentEpoch(), 300n * WORK_PER_CU,
    ]);
    assert.equal(await f.keepers.read.lockedBondOf([keeper.account.address]), 0n);
    assert.equal(await f.market.read.statusOf([id]), 0);
    assert.equal(await f.balance(f.market.address), 3n * PAR); // owed to the keeper's account until flushed
  });

  it("reverts InvalidItems for 0 items, more than MAX_ITEMS, a lot of the policy model and CU × items above uint32", async () => {
    const f = await withKeepers();
    const max = await f.market.read.MAX_ITEMS();
    assert.equal(max, 1024n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.post(f.requester, { items: 0 }), f.market, "InvalidItems", [0n, max]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(f.post(f.requester, { items: 1025 }), f.market, "InvalidItems", [1025n, max]);
    await f.market.write.setParameter([param("policyModelId"), 2n]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.post(f.requester, { modelId: 2, items: 2, input: lotOf(2) }), f.market, "InvalidItems", [2n, 1n],
    );
    const g = await withKeepers([modelSpec(2 ** 31, keccak256("0x01"))]);
    await g.viem.assertions.revertWithCustomErrorWithArgs(g.post(g.requester, { fee: 0n, items: 2, input: lotOf(2) }), g.market, "InvalidItems", [2n, max]);
    await g.post(g.requester, { fee: 0n, items: 1 }); // one item still fits
  });

  it("scales the fee floor and the inline input bound by items", async () => {
    const f = await withKeepers();
    await f.pool.write.setParameter([param("minFeePerCUCeiling"), 10n ** 6n]);
    await f.pool.write.setParameter([param("minFeePerCUFloor"), 1000n]);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.post(f.requester, { fee: 299_999n, items: 3, input: lotOf(3) }), f.market, "FeeBelowMinimum", [299_999n, 300_000n],
    );
    await f.post(f.requester, { fee: 300_000n, items: 3, input: lotOf(3) });
    const bound = (4096 + 4) * 2; // (maxInputBytes + the item's length) × items
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.post(f.requester, { items: 2, input: `0x${"11".repeat(bound + 1)}` }), f.market, "InputTooLarge", [BigInt(bound + 1), BigInt(bound)],
    );
    await f.post(f.requester, { items: 2, input: `0x${"11".repeat(bound)}` });
  });

  it("counts every item of a zero-fee lot against the requester's zero-fee limit", async () => {
    const f = await withKeepers();
    await f.market.write.setParameter([param("zeroFeeLimit"), 3n]);
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { fee: 0n, items: 4, input: lotOf(4) }), f.market, "ZeroFeeRateLimited");
    await f.post(f.requester, { fee: 0n, items: 2, input: lotOf(2) });
    assert.equal(await f.market.read.zeroFeeAllowance([f.requester.account.address]), 1n);
    await f.viem.assertions.revertWithCustomError(f.post(f.requester, { fee: 0n, items: 2, input: lotOf(2) }), f.market, "ZeroFeeRateLimited");
    await f.post(f.requester, { fee: 0n });
    assert.equal(await f.market.read.zeroFeeAllowance([f.requester.account.address]), 0n);
  });
});
