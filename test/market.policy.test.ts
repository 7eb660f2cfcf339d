import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { bytesToHex, getAddress, hexToBytes, keccak256, parseEventLogs, type Hex } from "viem";
import { DType, decodeBundle, encodeBundle } from "../keepers/src/tensors.js";
import { NO_METRICS, POLICY_METRICS, policyInput, type EpochMetrics } from "../keepers/src/policy-io.js";
import { deployMarket, PAR, param, type MarketFixture } from "./helpers/market.js";

const POLICY_MODEL = 2;
const EPOCH = 3600n; // the fixture's epoch length
const WINDOW = 700; // past the fixture's challenge window
const SPEC = [{ name: "metrics", dtype: DType.int64, shape: [1, 16] }];

/** A policy output: multiplierBps and minFeePerCU as int64 little-endian (the canonical form). */
function policyOutput(multiplierBps: bigint, minFeePerCU: bigint): Hex {
  return bytesToHex(new Uint8Array(BigInt64Array.from([multiplierBps, minFeePerCU]).buffer));
}

/** Two keepers (100 and 300 PAR) serving models 1 and 2; model 2 is the policy model. */
async function withPolicy() {
  const f = await deployMarket();
  await f.register(f.keeperWallets[0], 100n * PAR);
  await f.register(f.keeperWallets[1], 300n * PAR);
  await f.market.write.setParameter([param("policyModelId"), BigInt(POLICY_MODEL)]);
  await f.pool.write.setParameter([param("minFeePerCUCeiling"), 10n ** 6n]);
  return f;
}

/** Posts, runs and finalizes one paid task on model 1 as `from`. */
async function finalizedTask(f: MarketFixture, from = f.requester) {
  const id = await f.post(from, { fee: PAR });
  await f.claimAsAssignee(id);
  await f.submit(id, "0x0a00000000000000f4ffffffffffffff");
  await f.networkHelpers.time.increase(WINDOW);
  await f.finalize([id]);
  return id;
}

/** Ends the running epoch, settles its deferred work and closes it: returns the receipt. */
async function closeEpoch(f: MarketFixture) {
  const epoch = await f.pool.read.currentEpoch();
  await f.networkHelpers.time.increaseTo((await f.pool.read.genesis()) + (epoch + 1n) * EPOCH);
  await f.flush(f.keeperWallets.map((w) => w.account.address));
  return f.track(await f.pool.write.closeEpoch());
}

function measured(f: MarketFixture, receipt: Awaited<ReturnType<typeof closeEpoch>>) {
  const [log] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "EpochMeasured" });
  assert.ok(log, "closeEpoch records the epoch's metrics");
  return log.args;
}

const metricsOf = (values: readonly bigint[]): EpochMetrics =>
  Object.fromEntries(POLICY_METRICS.map((m, i) => [m, values[i]!])) as EpochMetrics;

describe("TaskMarket policy tasks", () => {
  it("closing an epoch posts the policy task on the metrics the chain computed", async () => {
    const f = await withPolicy();
    await finalizedTask(f);
    await finalizedTask(f); // the same requester: one distinct requester
    const receipt = await closeEpoch(f);
    const { epoch, metrics, policyTask } = measured(f, receipt);
    assert.equal(epoch, 0n);
    const latest = metricsOf(metrics.slice(0, 8));
    assert.equal(latest.tasks, 2n);
    assert.equal(latest.fees, 2n * PAR);
    assert.equal(latest.requesters, 1n);
    assert.ok(latest.keepers >= 1n && latest.keepers <= 2n, `keepers ${latest.keepers}`);
    assert.equal(latest.work, 2n * 10_000n * BigInt((await f.models.read.taskSpec([1]))[1]));
    assert.equal(latest.disputeRateBps, 0n);
    assert.equal(latest.herfindahlBps, (100n * 100n + 300n * 300n) * 10_000n / (400n * 400n)); // 6,250
    assert.ok(latest.scheduleBps >= 9_999n && latest.scheduleBps <= 10_000n, `the baseline keeps to schedule: ${latest.scheduleBps}`);
    assert.deepEqual([...metrics.slice(8)], [...policyInput(NO_METRICS, NO_METRICS)].slice(8), "no epoch before 0");

    const [posted] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "TaskPosted" });
    assert.equal(posted.args.id, policyTask);
    assert.equal(getAddress(posted.args.requester), getAddress(f.market.address), "the market is the requester");
    assert.equal(posted.args.fee, 0n);
    assert.equal(posted.args.modelId, POLICY_MODEL);
    const [input] = decodeBundle(SPEC, hexToBytes(posted.args.input));
    assert.deepEqual([...(input!.data as BigInt64Array)], [...metrics], "the input is the metrics, int64 LE");
    assert.equal(posted.args.inputHash, keccak256(posted.args.input));
    assert.deepEqual([...(await f.market.read.policyInput([0n]))], [...metrics]);
  });

  it("the policy task's output is proposed to EmissionPool for the next epoch", async () => {
    const f = await withPolicy();
    await finalizedTask(f);
    const { policyTask: id } = measured(f, await closeEpoch(f));
    await f.claimAsAssignee(id);
    const output = policyOutput(11_000n, 5000n);
    await f.submit(id, output);
    await f.networkHelpers.time.increase(WINDOW);
    const epoch = (await f.pool.read.currentEpoch()) + 1n;
    await f.viem.assertions.revertWithCustomError(f.finalize([id], ["0x"]), f.market, "OutputMismatch");
    const hash = await f.market.write.finalize([[id], [f.book.get(id)!], [output]]);
    await f.viem.assertions.emitWithArgs(hash, f.market, "PolicyResult", [id, epoch, 11_000, 5000n, true]);
    await f.viem.assertions.emitWithArgs(hash, f.pool, "PolicyProposed", [epoch, 11_000, 5000n]);
    await f.networkHelpers.time.increase(Number(EPOCH));
    assert.equal(await f.pool.read.minFeePerCU(), 5000n);
  });

  it("an output outside the declared ranges, or not 16 bytes, is not proposed (accepted = false)", async () => {
    for (const output of [policyOutput(20_000n, 5000n), policyOutput(10_000n, 2_000_000n), policyOutput(10_000n, -1n), "0x0102" as Hex]) {
      const f = await withPolicy();
      const { policyTask: id } = measured(f, await closeEpoch(f));
      await f.claimAsAssignee(id);
      await f.submit(id, output);
      await f.networkHelpers.time.increase(WINDOW);
      const hash = await f.market.write.finalize([[id], [f.book.get(id)!], [output]]);
      const [result] = parseEventLogs({ abi: f.market.abi, logs: (await f.publicClient.waitForTransactionReceipt({ hash })).logs, eventName: "PolicyResult" });
      assert.equal(result!.args.accepted, false, `output ${output}`);
      assert.equal(await f.market.read.statusOf([id]), 0);
    }
  });

  it("a policy lie outside the declared range is challenged, convicted and slashed; the honest output is proposed", async () => {
    const f = await withPolicy();
    for (const w of f.keeperWallets.slice(2)) await f.register(w, 100n * PAR); // jurors
    const { policyTask: id } = measured(f, await closeEpoch(f));
    const liar = await f.claimAsAssignee(id);
    await f.submit(id, policyOutput(20_000n, 0n));
    const honest = policyOutput(10_500n, 3000n);
    const challenger = f.keeperWallets.find((w) => w !== liar)!;
    await f.challenge(id, honest, challenger);
    const jurors = await f.drawFullJury(id);
    await f.vote(id, jurors, jurors.map(() => 2)); // the challenger's result
    const stake = await f.keepers.read.stakeOf([liar.account.address]);
    const epoch = (await f.pool.read.currentEpoch()) + 1n;
    const hash = await f.court.write.resolve([id, f.book.get(id)!, honest]);
    assert.equal(await f.keepers.read.stakeOf([liar.account.address]), stake - stake / 10n, "slashBps of its stake");
    await f.viem.assertions.emitWithArgs(hash, f.pool, "PolicyProposed", [epoch, 10_500, 3000n]);
  });

  it("a policy-model task that a requester posts proposes nothing", async () => {
    const f = await withPolicy();
    const id = await f.post(f.requester, { modelId: POLICY_MODEL, fee: PAR });
    await f.claimAsAssignee(id);
    await f.submit(id, policyOutput(15_000n, 9000n));
    await f.networkHelpers.time.increase(WINDOW);
    const receipt = await f.finalize([id]); // no output needed: not a policy task
    assert.equal(parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "PolicyResult" }).length, 0);
    assert.equal(parseEventLogs({ abi: f.pool.abi, logs: receipt.logs, eventName: "PolicyProposed" }).length, 0);
  });

  it("the next epoch's input carries the epoch before, and counts disputes and distinct requesters", async () => {
    const f = await withPolicy();
    await finalizedTask(f);
    const first = measured(f, await closeEpoch(f)).metrics.slice(0, 8);
    await finalizedTask(f);
    await finalizedTask(f, f.stranger);
    const id = await f.post(f.requester, { fee: PAR });
    const keeper = await f.claimAsAssignee(id);
    await f.submit(id, "0x0a00000000000000f4ffffffffffffff");
    const challenger = f.keeperWallets.find((w) => w.account.address !== keeper.account.address)!;
    await f.challenge(id, "0x0b00000000000000f4ffffffffffffff", challenger);
    const { metrics } = measured(f, await closeEpoch(f));
    const latest = metricsOf(metrics.slice(0, 8));
    assert.equal(latest.tasks, 2n);
    assert.equal(latest.requesters, 2n);
    assert.equal(latest.disputeRateBps, 5000n, "1 dispute per 2 finalized tasks");
    assert.deepEqual([...metrics.slice(8)], [...first], "elements 8-15 are the epoch before");
  });

  it("closes without a policy task when no policy model is set, and refuses a close short of gas", async () => {
    const f = await deployMarket();
    const { policyTask } = measured(f, await closeEpoch(f));
    assert.equal(policyTask, 0n);
    await f.networkHelpers.time.increase(Number(EPOCH));
    await f.viem.assertions.revertWithCustomError(f.pool.write.closeEpoch({ gas: 200_000n }), f.pool, "InsufficientGas");
    await f.viem.assertions.revertWithCustomError(
      f.market.write.postPolicyTask([1n, 0n, 0n, 0n]), f.market, "NotPool",
    );
  });

  it("the input bundle is the SDK's encoding of the metrics", async () => {
    const f = await withPolicy();
    await finalizedTask(f);
    const receipt = await closeEpoch(f);
    const [posted] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "TaskPosted" });
    const { metrics } = measured(f, receipt);
    const bundle = encodeBundle(SPEC, [{ dtype: DType.int64, dims: [1, 16], data: BigInt64Array.from(metrics) }]);
    assert.equal(posted.args.input, bytesToHex(bundle));
  });
});
