import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { parseEventLogs, stringToHex, keccak256, toHex, type Address } from "viem";

const YEAR = 365n * 24n * 3600n;
const BUDGET = 10n ** 17n;
const MARKET_ROLE = keccak256(toHex("MARKET_ROLE"));
const POLICY_ROLE = keccak256(toHex("POLICY_ROLE"));
const param = (name: string) => stringToHex(name, { size: 32 });

/** A pool on a fresh chain: admin = timelock stand-in, market and policy are test accounts. */
/** Backing far above any epoch's emission: paid work uncapped by its fees. */
const UNCAPPED = 10n ** 24n;

async function deploy(epochLength = 3600n) {
  const { viem, networkHelpers } = await network.create();
  const [admin, market, policy, alice, bob, carol, stranger] = await viem.getWalletClients();
  const token = await viem.deployContract("ParadigmToken", [admin.account.address]);
  const pool = await viem.deployContract("EmissionPool", [token.address, admin.account.address, epochLength]);
  await token.write.setMinter([pool.address]);
  await pool.write.grantRole([MARKET_ROLE, market.account.address]);
  await pool.write.grantRole([POLICY_ROLE, policy.account.address]);
  const publicClient = await viem.getPublicClient();
  const genesis = await pool.read.genesis();

  /** Credits paid work backed far above any epoch's emission (these tests check the emission math). */
  const credit = (who: Address, units: bigint) => pool.write.creditWork([who, units, 0n, UNCAPPED], { account: market.account });
  const propose = (epoch: bigint, bps: number, fee = 0n) =>
    pool.write.proposePolicy([epoch, bps, fee], { account: policy.account });
  const toEpochEnd = (epoch: bigint) => networkHelpers.time.increaseTo(genesis + (epoch + 1n) * epochLength);
  /** Closes the next epoch and returns its EpochClosed event. */
  async function close() {
    const hash = await pool.write.closeEpoch();
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const [log] = parseEventLogs({ abi: pool.abi, logs: receipt.logs, eventName: "EpochClosed" });
    return log.args;
  }
  async function claim(client: typeof alice, from: bigint, to: bigint) {
    const before = await token.read.balanceOf([client.account.address]);
    await pool.write.claim([from, to], { account: client.account });
    return (await token.read.balanceOf([client.account.address])) - before;
  }
  const noBootstrapCap = () => pool.write.setParameter([param("bootstrapEpochs"), 0n]);
  return {
    viem, networkHelpers, publicClient, token, pool, genesis, epochLength,
    admin, market, policy, alice, bob, carol, stranger, credit, propose, toEpochEnd, close, claim, noBootstrapCap,
  };
}

describe("EmissionPool", () => {
  describe("guardrails", () => {
    it("emits the baseline (remaining budget / remaining epochs) without a proposal", async () => {
      const { pool, alice, credit, toEpochEnd, close } = await deploy();
      await credit(alice.account.address, 10n);
      await toEpochEnd(0n);
      const closed = await close();
      const perYear = await pool.read.epochsPerYear();
      assert.equal(perYear, 8760n);
      assert.equal(closed.baseline, BUDGET / perYear);
      assert.equal(closed.amount, BUDGET / perYear);
      assert.equal(closed.multiplierBps, 10_000);
      assert.equal(closed.fromPolicy, false);
      assert.equal(await pool.read.remainingBudget(), BUDGET - BUDGET / perYear);
    });

    it("clamps the multiplier into ±20% of the previous epoch and into [0.5, 1.5] of the baseline", async () => {
      const { alice, credit, propose, toEpochEnd, close } = await deploy();
      const got: number[] = [];
      const proposals = [40_000, 40_000, 40_000, 0, 0, 0, 0];
      for (const [i, bps] of proposals.entries()) await propose(BigInt(i + 1), bps);
      for (let e = 0n; e <= BigInt(proposals.length); e++) {
        await credit(alice.account.address, 1n);
        await toEpochEnd(e);
        got.push((await close()).multiplierBps);
      }
      // epoch 0 has no proposal; up by 20% steps to the 1.5 band edge; down by 20% steps to 0.5
      assert.deepEqual(got, [10_000, 12_000, 14_400, 15_000, 12_000, 9_600, 7_680, 6_144]);
    });

    it("moves a missing proposal back toward the baseline at most 20% per epoch", async () => {
      const { alice, credit, propose, toEpochEnd, close } = await deploy();
      await propose(1n, 12_000);
      for (let e = 0n; e <= 3n; e++) {
        await credit(alice.account.address, 1n);
        await toEpochEnd(e);
        const closed = await close();
        if (e === 1n) assert.equal(closed.fromPolicy, true);
        if (e === 2n) assert.deepEqual([closed.multiplierBps, closed.fromPolicy], [10_000, false]);
      }
    });

    it("never emits more than the remaining year budget, which sums to exactly 1e17 over year one", async () => {
      const { pool, alice, credit, propose, toEpochEnd, close } = await deploy(YEAR / 3n);
      assert.equal(await pool.read.epochsPerYear(), 3n);
      await propose(1n, 12_000);
      await propose(2n, 14_400);
      const amounts: bigint[] = [];
      for (const e of [0n, 1n, 2n]) {
        await credit(alice.account.address, 1n);
        await toEpochEnd(e);
        const closed = await close();
        if (e === 2n) {
          assert.equal(closed.multiplierBps, 14_400);
          assert.equal(closed.baseline, BUDGET - amounts[0] - amounts[1], "last epoch: baseline = remaining");
          assert.equal(closed.amount, closed.baseline, "clamped to the remaining budget");
        }
        amounts.push(closed.amount);
      }
      assert.equal(amounts[1], ((BUDGET - amounts[0]) / 2n) * 12_000n / 10_000n);
      assert.equal(amounts[0] + amounts[1] + amounts[2], BUDGET);
      assert.equal(await pool.read.outstanding(), BUDGET);
    });

    it("opens year two with budget × yearDecayBps plus the carried remainder", async () => {
      const { viem, pool, alice, credit, propose, toEpochEnd, close } = await deploy(YEAR / 2n);
      await propose(1n, 5_000);
      await credit(alice.account.address, 1n);
      await toEpochEnd(0n);
      await close();
      await credit(alice.account.address, 1n);
      await toEpochEnd(1n);
      // 1.0 × 5e16, then 0.8 (step-limited) × 5e16 = 4e16: 1e16 is carried into year two
      await viem.assertions.emitWithArgs(pool.write.closeEpoch(), pool, "YearStarted", [
        1n,
        2n,
        8n * 10n ** 16n,
        9n * 10n ** 16n,
      ]);
      assert.equal(await pool.read.year(), 1n);
      assert.equal(await pool.read.yearBudget(), 8n * 10n ** 16n);
      assert.equal(await pool.read.remainingBudget(), 9n * 10n ** 16n);
    });

    it("keeps the computed amount of an epoch without work in the budget (Rollover)", async () => {
      const { viem, pool, toEpochEnd } = await deploy();
      await toEpochEnd(0n);
      await viem.assertions.emitWithArgs(pool.write.closeEpoch(), pool, "Rollover", [0n, BUDGET / 8760n]);
      assert.equal(await pool.read.remainingBudget(), BUDGET);
      assert.equal(await pool.read.outstanding(), 0n);
    });

    it("closes epochs one at a time, in order, only once they ended (EpochNotEnded)", async () => {
      const { viem, pool, genesis, epochLength, toEpochEnd } = await deploy();
      await viem.assertions.revertWithCustomErrorWithArgs(pool.write.closeEpoch(), pool, "EpochNotEnded", [
        0n,
        genesis + epochLength,
      ]);
      await toEpochEnd(1n);
      await pool.write.closeEpoch();
      await pool.write.closeEpoch();
      assert.equal(await pool.read.nextEpochToClose(), 2n);
      await viem.assertions.revertWithCustomError(pool.write.closeEpoch(), pool, "EpochNotEnded");
    });

    it("rejects a proposal for an epoch that already started (ProposalTooLate)", async () => {
      const { viem, pool, propose, toEpochEnd } = await deploy();
      await toEpochEnd(1n); // epoch 2 runs
      await viem.assertions.revertWithCustomErrorWithArgs(propose(2n, 10_000), pool, "ProposalTooLate", [2n, 3n]);
      await viem.assertions.emitWithArgs(propose(3n, 11_000, 7n), pool, "PolicyProposed", [3n, 11_000, 7n]);
    });

    it("applies the proposed minFeePerCU when its epoch starts, clamped to the governance bounds", async () => {
      const { pool, propose, toEpochEnd } = await deploy();
      await propose(1n, 10_000, 5_000n);
      await propose(2n, 10_000, 10n ** 9n);
      assert.equal(await pool.read.minFeePerCU(), 1_000n, "the default floor: never 0 at genesis");
      await toEpochEnd(0n);
      assert.equal(await pool.read.minFeePerCU(), 5_000n);
      await toEpochEnd(1n);
      assert.equal(await pool.read.minFeePerCU(), 10n ** 8n, "clamped to the default ceiling");
      await pool.write.setParameter([param("minFeePerCUFloor"), 2_000n]);
      await toEpochEnd(2n);
      assert.equal(await pool.read.minFeePerCU(), 2_000n, "no proposal: the floor");
    });
  });

  describe("claims", () => {
    it("caps one address at maxShareBps of an epoch during bootstrap and rolls the excess back", async () => {
      const { viem, pool, alice, bob, credit, toEpochEnd, close, claim } = await deploy();
      await credit(alice.account.address, 3n);
      await credit(bob.account.address, 1n);
      await toEpochEnd(0n);
      const { amount } = await close();
      const cap = (amount * 500n) / 10_000n;
      const budgetBefore = await pool.read.remainingBudget();
      assert.equal(await pool.read.claimable([alice.account.address, 0n]), cap);
      const aliceShare = (amount * 3n) / 4n;
      await viem.assertions.emitWithArgs(pool.write.claim([0n, 0n], { account: alice.account }), pool, "Rollover", [
        0n,
        aliceShare - cap,
      ]);
      assert.equal(await claim(bob, 0n, 0n), cap);
      const rolled = amount - 2n * cap;
      assert.equal(await pool.read.remainingBudget(), budgetBefore + rolled);
      assert.equal(await pool.read.outstanding(), 0n);
    });

    it("pays the uncapped share after the bootstrap epochs", async () => {
      const { pool, alice, credit, toEpochEnd, close, claim } = await deploy();
      await pool.write.setParameter([param("bootstrapEpochs"), 1n]);
      await credit(alice.account.address, 1n);
      await toEpochEnd(0n);
      const e0 = await close();
      await credit(alice.account.address, 1n);
      await toEpochEnd(1n);
      const e1 = await close();
      assert.equal(await claim(alice, 0n, 0n), (e0.amount * 500n) / 10_000n);
      assert.equal(await claim(alice, 1n, 1n), e1.amount);
    });

    it("pays a claim once (AlreadyClaimed)", async () => {
      const { viem, pool, alice, credit, toEpochEnd, close, claim } = await deploy();
      await credit(alice.account.address, 5n);
      await toEpochEnd(0n);
      await close();
      assert.ok((await claim(alice, 0n, 0n)) > 0n);
      assert.equal(await pool.read.claimable([alice.account.address, 0n]), 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.claim([0n, 0n], { account: alice.account }),
        pool,
        "AlreadyClaimed",
        [alice.account.address, 0n],
      );
    });

    it("accounts every base unit: sum(claimed) + rolled == allocated, dust to the last claimant", async () => {
      const { pool, token, alice, bob, carol, credit, toEpochEnd, close, claim, noBootstrapCap } = await deploy();
      await noBootstrapCap();
      for (const [who, units] of [[alice, 1n], [bob, 1n], [carol, 1n]] as const) await credit(who.account.address, units);
      await toEpochEnd(0n);
      const { amount } = await close();
      assert.notEqual(amount % 3n, 0n, "the amount must leave dust for this test");
      const paid = [await claim(alice, 0n, 0n), await claim(bob, 0n, 0n), await claim(carol, 0n, 0n)];
      assert.equal(paid[0], amount / 3n);
      assert.equal(paid[1], (amount - paid[0]) / 2n, "shares come from the unclaimed remainder");
      assert.equal(paid[0] + paid[1] + paid[2], amount);
      assert.equal(await token.read.totalSupply(), amount);
      assert.deepEqual(await pool.read.epochInfo([0n]), [amount, 0n, 0n]);
      assert.equal(await pool.read.outstanding(), 0n);
    });

    it("rolls capped excess back exactly: remaining + supply + outstanding is conserved", async () => {
      const { pool, token, alice, bob, carol, credit, toEpochEnd, close, claim } = await deploy();
      await credit(alice.account.address, 7n);
      await credit(bob.account.address, 5n);
      await credit(carol.account.address, 3n);
      await toEpochEnd(0n);
      await close();
      const total = async () =>
        (await pool.read.remainingBudget()) + (await pool.read.outstanding()) + (await token.read.totalSupply());
      assert.equal(await total(), BUDGET);
      for (const who of [carol, alice, bob]) await claim(who, 0n, 0n);
      assert.equal(await pool.read.outstanding(), 0n);
      assert.equal(await total(), BUDGET);
    });

    it("claims a range of epochs in one call, skipping epochs without the caller's work", async () => {
      const { viem, pool, alice, bob, credit, toEpochEnd, close, claim, noBootstrapCap } = await deploy();
      await noBootstrapCap();
      await credit(alice.account.address, 1n);
      await toEpochEnd(0n);
      await close();
      await credit(bob.account.address, 1n);
      await toEpochEnd(1n);
      await close();
      await credit(alice.account.address, 1n);
      await credit(bob.account.address, 1n);
      await toEpochEnd(2n);
      await close();
      const expected =
        (await pool.read.claimable([alice.account.address, 0n])) + (await pool.read.claimable([alice.account.address, 2n]));
      await viem.assertions.emitWithArgs(pool.write.claim([0n, 2n], { account: alice.account }), pool, "Claimed", [
        alice.account.address,
        0n,
        2n,
        expected,
      ]);
      const bobExpected =
        (await pool.read.claimable([bob.account.address, 1n])) + (await pool.read.claimable([bob.account.address, 2n]));
      assert.equal(await claim(bob, 0n, 2n), bobExpected);
      assert.equal(await pool.read.outstanding(), 0n);
    });

    it("rejects reversed ranges (InvalidEpochRange) and open epochs (EpochNotClosed)", async () => {
      const { viem, pool, alice, credit, toEpochEnd, close } = await deploy();
      await credit(alice.account.address, 1n);
      await toEpochEnd(0n);
      await close();
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.claim([1n, 0n], { account: alice.account }),
        pool,
        "InvalidEpochRange",
        [1n, 0n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.claim([0n, 1n], { account: alice.account }),
        pool,
        "EpochNotClosed",
        [1n],
      );
    });

    it("records work per epoch and contributor (WorkCredited)", async () => {
      const { viem, pool, alice, market } = await deploy();
      await viem.assertions.emitWithArgs(
        pool.write.creditWork([alice.account.address, 42n, 7n, 5n], { account: market.account }),
        pool,
        "WorkCredited",
        [0n, alice.account.address, 42n, 7n, 5n],
      );
      await pool.write.creditWork([alice.account.address, 8n, 0n, 1n], { account: market.account });
      assert.deepEqual(await pool.read.workOf([0n, alice.account.address]), [57n, false]);
      assert.deepEqual(await pool.read.creditOf([0n, alice.account.address]), [50n, 7n, 6n]);
      assert.deepEqual(await pool.read.epochInfo([0n]), [0n, 0n, 50n]);
      assert.deepEqual(await pool.read.faucetInfo([0n]), [0n, 0n, 7n]);
    });

    it("the per-address cap is a share of what the epoch can pay: its paid allocation only as far as the backing reaches", async () => {
      const { pool, alice, bob, market, toEpochEnd, close, claim } = await deploy();
      const backing = 1_000n * 10n ** 8n; // 1,000 PAR of backing in all: far below the epoch's allocation
      await pool.write.creditWork([alice.account.address, 9n, 0n, (backing * 9n) / 10n], { account: market.account });
      await pool.write.creditWork([bob.account.address, 1n, 0n, backing / 10n], { account: market.account });
      await toEpochEnd(0n);
      const { amount } = await close();
      assert.ok(amount > backing * 20n, `the paid allocation (${amount}) dwarfs the backing`);
      const cap = (backing * 500n) / 10_000n; // 5 % of what can be paid: the backing
      assert.equal(await claim(alice, 0n, 0n), cap, "capped at 5 % of 1,000 PAR, not of the allocation");
      assert.equal(await claim(bob, 0n, 0n), cap, "backing 100 PAR, capped at 50 PAR");
    });

    it("the zero-fee faucet scales with the epoch's applied multiplier", async () => {
      const { pool, alice, market, propose, toEpochEnd, close } = await deploy();
      const budget = await pool.read.zeroFeeBudget();
      const faucetWork = () => pool.write.creditWork([alice.account.address, 0n, 5n, 0n], { account: market.account });
      await faucetWork();
      await propose(1n, 8_000); // epoch 1: 0.8 × (the step rule allows 10,000 → 8,000)
      await toEpochEnd(0n);
      assert.equal((await close()).multiplierBps, 10_000);
      assert.equal((await pool.read.faucetInfo([0n]))[0], budget, "baseline: the whole budget");
      await faucetWork();
      await toEpochEnd(1n);
      assert.equal((await close()).multiplierBps, 8_000);
      assert.equal((await pool.read.faucetInfo([1n]))[0], (budget * 8_000n) / 10_000n, "0.8 × the budget");
    });

    it("keeps a deferred epoch open until settled, crediting the deferred work to that epoch", async () => {
      const { viem, pool, alice, market, toEpochEnd, close } = await deploy();
      const as = { account: market.account };
      await viem.assertions.emitWithArgs(pool.write.deferWork(as), pool, "WorkDeferral", [0n]);
      assert.equal(await pool.read.deferredOf([0n]), 1n);
      await toEpochEnd(0n);
      await viem.assertions.revertWithCustomErrorWithArgs(pool.write.closeEpoch(), pool, "WorkDeferred", [0n, 1n]);
      await viem.assertions.emitWithArgs(
        pool.write.settleWork([0n, alice.account.address, 7n, 0n, 3n], as),
        pool,
        "WorkCredited",
        [0n, alice.account.address, 7n, 0n, 3n],
      );
      assert.deepEqual(await pool.read.workOf([0n, alice.account.address]), [7n, false]);
      assert.equal((await close()).totalWork, 7n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.settleWork([0n, alice.account.address, 1n, 0n, 0n], as),
        pool,
        "InvalidDeferredEpoch",
        [0n],
      );
    });
  });

  describe("governance and access control", () => {
    it("reverts every privileged function for a stranger with its custom error", async () => {
      const { viem, pool, stranger } = await deploy();
      const as = { account: stranger.account };
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.creditWork([stranger.account.address, 1n, 0n, 0n], as),
        pool,
        "NotMarket",
        [stranger.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(pool.write.deferWork(as), pool, "NotMarket", [
        stranger.account.address,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.settleWork([0n, stranger.account.address, 1n, 0n, 0n], as),
        pool,
        "NotMarket",
        [stranger.account.address],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.proposePolicy([5n, 10_000, 0n], as),
        pool,
        "NotPolicyOracle",
        [stranger.account.address],
      );
      await viem.assertions.revertWithCustomError(
        pool.write.setParameter([param("maxShareBps"), 1_000n], as),
        pool,
        "AccessControlUnauthorizedAccount",
      );
      await viem.assertions.revertWithCustomError(
        pool.write.grantRole([MARKET_ROLE, stranger.account.address], as),
        pool,
        "AccessControlUnauthorizedAccount",
      );
    });

    it("sets every parameter inside its bounds and emits ParameterSet", async () => {
      const { viem, pool } = await deploy();
      const cases: [string, bigint, bigint][] = [
        ["maxShareBps", 500n, 1_000n],
        ["bootstrapEpochs", 8760n, 100n],
        ["yearDecayBps", 8_000n, 9_000n],
        ["minFeePerCUFloor", 1_000n, 10n],
        ["zeroFeeBudget", 10_000n * 10n ** 8n, 0n],
        ["minFeePerCUCeiling", 10n ** 8n, 10n ** 9n],
      ];
      for (const [name, previous, value] of cases) {
        await viem.assertions.emitWithArgs(pool.write.setParameter([param(name), value]), pool, "ParameterSet", [
          param(name),
          previous,
          value,
        ]);
      }
      assert.equal(await pool.read.maxShareBps(), 1_000);
      assert.equal(await pool.read.bootstrapEpochs(), 100n);
      assert.equal(await pool.read.yearDecayBps(), 9_000);
      assert.deepEqual(await pool.read.minFeePerCUBounds(), [10n, 10n ** 9n]);
    });

    it("rejects out-of-bounds values (ParameterOutOfBounds) and unknown names (UnknownParameter)", async () => {
      const { viem, pool } = await deploy();
      const bad: [string, bigint, bigint, bigint][] = [
        ["maxShareBps", 99n, 100n, 10_000n],
        ["maxShareBps", 10_001n, 100n, 10_000n],
        ["bootstrapEpochs", 87_601n, 0n, 87_600n],
        ["yearDecayBps", 10_001n, 0n, 10_000n],
        ["minFeePerCUFloor", 10n ** 8n + 1n, 0n, 10n ** 8n],
        ["minFeePerCUCeiling", 10n ** 12n + 1n, 1_000n, 10n ** 12n],
        ["zeroFeeBudget", 10n ** 15n + 1n, 0n, 10n ** 15n],
      ];
      for (const [name, value, min, max] of bad) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          pool.write.setParameter([param(name), value]),
          pool,
          "ParameterOutOfBounds",
          [param(name), value, min, max],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.setParameter([param("epochLength"), 1n]),
        pool,
        "UnknownParameter",
        [param("epochLength")],
      );
    });

    it("rejects an epoch length outside [60 s, 365 days] and zero addresses", async () => {
      const { viem, token, pool, admin } = await deploy();
      for (const length of [59n, YEAR + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          viem.deployContract("EmissionPool", [token.address, admin.account.address, length]),
          pool,
          "InvalidEpochLength",
          [length],
        );
      }
      await viem.assertions.revertWithCustomError(
        viem.deployContract("EmissionPool", [token.address, "0x0000000000000000000000000000000000000000", 60n]),
        pool,
        "ZeroAddress",
      );
    });
  });
});
