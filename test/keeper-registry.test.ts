import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { keccak256, maxUint256, stringToHex, toHex, encodePacked, zeroAddress, type Address } from "viem";
import { parDomain, signPermit } from "../keepers/src/index.js";

const PAR = 10n ** 8n;
const DAY = 24n * 3600n;
const UNBONDING = 7n * DAY;
const COMMISSION_DELAY = 3n * DAY;
const MARKET_ROLE = keccak256(toHex("MARKET_ROLE"));
const ADMIN_ROLE = `0x${"00".repeat(32)}` as const;
const param = (name: string) => stringToHex(name, { size: 32 });
const CPU = stringToHex("cpu-x86-avx2", { size: 32 });
const lower = (a: Address) => a.toLowerCase();

/** Registry on a fresh chain: admin = timelock stand-in and test minter, `market` holds MARKET_ROLE. */
async function deploy() {
  const { viem, networkHelpers } = await network.create();
  const [admin, market, op1, op2, op3, alice, bob, stranger] = await viem.getWalletClients();
  const token = await viem.deployContract("ParadigmToken", [admin.account.address]);
  await token.write.setMinter([admin.account.address]);
  const registry = await viem.deployContract("KeeperRegistry", [
    token.address,
    admin.account.address,
    0n,
    UNBONDING,
    2_000n,
    COMMISSION_DELAY,
  ]);
  await registry.write.grantRole([MARKET_ROLE, market.account.address]);
  for (const who of [market, op1, op2, op3, alice, bob]) {
    await token.write.mint([who.account.address, 1_000_000n * PAR]);
    await token.write.approve([registry.address, maxUint256], { account: who.account });
  }
  const publicClient = await viem.getPublicClient();

  const register = (who: typeof op1, stake: bigint, commissionBps = 0, models = [1, 2]) =>
    registry.write.register(["https://keeper.example", CPU, models, stake, commissionBps], { account: who.account });
  /** The market pays `amount` into the registry and credits `keeper`'s pool. */
  async function reward(keeper: Address, amount: bigint) {
    await token.write.transfer([registry.address, amount], { account: market.account });
    return registry.write.reward([keeper, amount], { account: market.account });
  }
  const balance = (who: Address) => token.read.balanceOf([who]);
  /** PAR actually received by `who` from `action`. */
  async function received(who: Address, action: () => Promise<unknown>) {
    const before = await balance(who);
    await action();
    return (await balance(who)) - before;
  }
  async function assertAccounted() {
    assert.equal(await registry.read.owed(), await balance(registry.address));
  }
  /** Draws for model 1 from the tree as the latest block left it (mines one block first). */
  async function draw(seed: bigint, modelId = 1) {
    await networkHelpers.mine(1);
    return lower(await registry.read.draw([modelId, seed, await publicClient.getBlockNumber()]));
  }
  /** Rewards reach shares at once (no stream): for tests of the split arithmetic. */
  const instantRewards = () => registry.write.setParameter([param("rewardStreamPeriod"), 0n]);
  return {
    viem, networkHelpers, publicClient, token, registry,
    admin, market, op1, op2, op3, alice, bob, stranger,
    register, reward, balance, received, assertAccounted, draw, instantRewards,
  };
}

describe("KeeperRegistry", () => {
  it("stakeConcentrationBps follows every pool's stake: Σ stake² / (Σ stake)²", async () => {
    const { registry, op1, op2, alice, register } = await deploy();
    assert.equal(await registry.read.stakeConcentrationBps(), 0n, "no stake: 0");
    await register(op1, 100n * PAR);
    assert.equal(await registry.read.stakeConcentrationBps(), 10_000n, "one pool holds everything");
    await register(op2, 300n * PAR);
    assert.equal(await registry.read.stakeConcentrationBps(), 6_250n); // (1 + 9) / 16
    await registry.write.delegate([op1.account.address, 200n * PAR], { account: alice.account });
    assert.equal(await registry.read.stakeConcentrationBps(), 5_000n, "two equal pools");
    await registry.write.setAvailable([false], { account: op2.account });
    assert.equal(await registry.read.stakeConcentrationBps(), 10_000n, "an unavailable pool leaves the measure");
  });

  describe("registration", () => {
    it("registers a keeper with profile, models, stake and commission", async () => {
      const { viem, registry, op1, register, balance } = await deploy();
      await viem.assertions.emitWithArgs(register(op1, 500n * PAR, 1_000), registry, "KeeperRegistered", [
        op1.account.address, "https://keeper.example", CPU, [1, 2], 500n * PAR, 1_000,
      ]);
      const k = await registry.read.keeperOf([op1.account.address]);
      assert.equal(k.registered, true);
      assert.equal(k.active, true);
      assert.equal(k.endpoint, "https://keeper.example");
      assert.equal(k.hardwareClass, CPU);
      assert.deepEqual(k.modelIds, [1, 2]);
      assert.equal(k.stake, 500n * PAR);
      assert.equal(k.totalShares, 500n * PAR);
      assert.equal(k.commissionBps, 1_000);
      assert.equal(await registry.read.serves([op1.account.address, 2]), true);
      assert.equal(await registry.read.serves([op1.account.address, 3]), false);
      assert.equal(await registry.read.stakeOf([op1.account.address]), 500n * PAR);
      assert.equal(await registry.read.totalStake(), 500n * PAR);
      assert.equal(await balance(registry.address), 500n * PAR);
      assert.equal(await registry.read.keeperCount(), 1n);
      assert.equal(lower(await registry.read.keeperAt([0n])), lower(op1.account.address));
    });

    it("lets a keeper register with zero stake at genesis and stay active", async () => {
      const { registry, op1, register, draw } = await deploy();
      await register(op1, 0n);
      assert.equal(await registry.read.isActive([op1.account.address]), true);
      assert.equal(await registry.read.stakeOf([op1.account.address]), 0n);
      assert.equal(await draw(123n), lower(op1.account.address));
    });

    it("replaces models and profile", async () => {
      const { viem, registry, op1, register } = await deploy();
      await register(op1, 0n);
      await viem.assertions.emitWithArgs(
        registry.write.updateModels([[3]], { account: op1.account }), registry, "ModelsUpdated", [op1.account.address, [3]],
      );
      assert.equal(await registry.read.serves([op1.account.address, 1]), false);
      assert.equal(await registry.read.serves([op1.account.address, 3]), true);
      const gpu = stringToHex("gpu-h100", { size: 32 });
      await registry.write.updateProfile(["https://gpu.example", gpu], { account: op1.account });
      const k = await registry.read.keeperOf([op1.account.address]);
      assert.equal(k.endpoint, "https://gpu.example");
      assert.equal(k.hardwareClass, gpu);
      assert.deepEqual(k.modelIds, [3]);
    });

    it("reverts AlreadyRegistered, StakeBelowMinimum, CommissionTooHigh on bad registrations", async () => {
      const { viem, registry, op1, op2, register } = await deploy();
      await register(op1, 0n);
      await viem.assertions.revertWithCustomErrorWithArgs(register(op1, 0n), registry, "AlreadyRegistered", [
        op1.account.address,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(register(op2, 0n, 2_001), registry, "CommissionTooHigh", [
        2_001n, 2_000n,
      ]);
      await registry.write.setParameter([param("minStake"), 10n * PAR]);
      await viem.assertions.revertWithCustomErrorWithArgs(register(op2, 10n * PAR - 1n), registry, "StakeBelowMinimum", [
        10n * PAR - 1n, 10n * PAR,
      ]);
    });

    it("reverts InvalidEndpoint, InvalidModelCount and InvalidModelId on bad profiles", async () => {
      const { viem, registry, op1 } = await deploy();
      const reg = (endpoint: string, models: number[]) =>
        registry.write.register([endpoint, CPU, models, 0n, 0], { account: op1.account });
      await viem.assertions.revertWithCustomErrorWithArgs(reg("", [1]), registry, "InvalidEndpoint", [0n, 256n]);
      await viem.assertions.revertWithCustomErrorWithArgs(reg("x".repeat(257), [1]), registry, "InvalidEndpoint", [
        257n, 256n,
      ]);
      await viem.assertions.revertWithCustomErrorWithArgs(reg("e", []), registry, "InvalidModelCount", [0n, 64n]);
      const many = Array.from({ length: 65 }, (_, i) => i + 1);
      await viem.assertions.revertWithCustomErrorWithArgs(reg("e", many), registry, "InvalidModelCount", [65n, 64n]);
      await viem.assertions.revertWithCustomErrorWithArgs(reg("e", [1, 0]), registry, "InvalidModelId", [0]);
    });

    it("reverts NotRegistered when a stranger acts as a keeper or is delegated to", async () => {
      const { viem, registry, stranger, alice } = await deploy();
      const as = { account: stranger.account };
      const who = [stranger.account.address] as const;
      for (const call of [
        registry.write.updateProfile(["e", CPU], as),
        registry.write.updateModels([[1]], as),
        registry.write.setAvailable([false], as),
        registry.write.setCommission([0], as),
        registry.write.addStake([PAR], as),
        registry.write.sync(who),
        registry.write.delegate([stranger.account.address, PAR], { account: alice.account }),
      ]) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, registry, "NotRegistered", [...who]);
      }
    });

    it("takes an unavailable keeper out of the draw and isActive", async () => {
      const { viem, registry, op1, op2, register, draw } = await deploy();
      await register(op1, 100n * PAR);
      await register(op2, 100n * PAR);
      await viem.assertions.emitWithArgs(
        registry.write.setAvailable([false], { account: op1.account }), registry, "AvailabilitySet",
        [op1.account.address, false],
      );
      assert.equal(await registry.read.isActive([op1.account.address]), false);
      assert.equal(await registry.read.totalStake(), 100n * PAR);
      for (let i = 0n; i < 20n; i++) assert.equal(await draw(i * 7919n), lower(op2.account.address));
      await registry.write.setAvailable([true], { account: op1.account });
      assert.equal(await registry.read.totalStake(), 200n * PAR);
    });
  });

  describe("staking and unbonding", () => {
    it("adds stake and delegations to the pool stake and sortition weight", async () => {
      const { viem, registry, op1, alice, register, assertAccounted } = await deploy();
      await register(op1, 100n * PAR);
      await registry.write.addStake([50n * PAR], { account: op1.account });
      await viem.assertions.emitWithArgs(
        registry.write.delegate([op1.account.address, 250n * PAR], { account: alice.account }),
        registry, "Staked", [op1.account.address, alice.account.address, 250n * PAR, 250n * PAR],
      );
      assert.equal(await registry.read.stakeOf([op1.account.address]), 400n * PAR);
      assert.equal(await registry.read.totalStake(), 400n * PAR);
      const p = await registry.read.positionOf([op1.account.address, alice.account.address]);
      assert.equal(p.stake, 250n * PAR);
      await assertAccounted();
    });

    it("withdraws unbonded stake only after unbondingPeriod", async () => {
      const { viem, networkHelpers, registry, op1, alice, register, received, assertAccounted } = await deploy();
      await register(op1, 100n * PAR);
      await registry.write.delegate([op1.account.address, 100n * PAR], { account: alice.account });
      await registry.write.undelegate([op1.account.address, 40n * PAR], { account: alice.account });
      const { unbondReadyAt, unbonding, stake } = await registry.read.positionOf([op1.account.address, alice.account.address]);
      assert.equal(unbonding, 40n * PAR);
      assert.equal(stake, 60n * PAR);
      assert.equal(await registry.read.stakeOf([op1.account.address]), 160n * PAR);
      assert.equal(await registry.read.unbondingOf([op1.account.address]), 40n * PAR);
      assert.equal(await registry.read.totalStake(), 160n * PAR);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.withdraw([op1.account.address], { account: alice.account }), registry, "UnbondingNotReady",
        [unbondReadyAt],
      );
      await networkHelpers.time.increaseTo(unbondReadyAt);
      const got = await received(alice.account.address, () =>
        registry.write.withdraw([op1.account.address], { account: alice.account }));
      assert.equal(got, 40n * PAR);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.withdraw([op1.account.address], { account: alice.account }), registry, "NothingUnbonding",
        [op1.account.address, alice.account.address],
      );
      await assertAccounted();
    });

    it("lets the operator unbond all its stake, and restarts the period on a new request", async () => {
      const { networkHelpers, registry, op1, register, received } = await deploy();
      await register(op1, 100n * PAR);
      await registry.write.requestUnbond([30n * PAR], { account: op1.account });
      await networkHelpers.time.increase(UNBONDING - 10n);
      await registry.write.requestUnbond([70n * PAR], { account: op1.account });
      const { unbondReadyAt, unbonding } = await registry.read.positionOf([op1.account.address, op1.account.address]);
      assert.equal(unbonding, 100n * PAR);
      await networkHelpers.time.increaseTo(unbondReadyAt);
      assert.equal(
        await received(op1.account.address, () => registry.write.withdraw([op1.account.address], { account: op1.account })),
        100n * PAR,
      );
      assert.equal(await registry.read.stakeOf([op1.account.address]), 0n);
    });

    it("reverts ZeroAmount, InsufficientPosition and InsufficientStake on bad unbonds", async () => {
      const { viem, registry, market, op1, alice, stranger, register } = await deploy();
      await register(op1, 100n * PAR);
      await registry.write.delegate([op1.account.address, 100n * PAR], { account: alice.account });
      await viem.assertions.revertWithCustomError(
        registry.write.requestUnbond([0n], { account: op1.account }), registry, "ZeroAmount");
      await viem.assertions.revertWithCustomError(
        registry.write.delegate([op1.account.address, 0n], { account: alice.account }), registry, "ZeroAmount");
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([op1.account.address, 100n * PAR + 1n], { account: alice.account }),
        registry, "InsufficientPosition", [op1.account.address, alice.account.address, 100n * PAR, 100n * PAR + 1n],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([op1.account.address, 1n], { account: stranger.account }),
        registry, "InsufficientPosition", [op1.account.address, stranger.account.address, 0n, 1n],
      );
      await registry.write.lockBond([op1.account.address, 150n * PAR], { account: market.account });
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.undelegate([op1.account.address, 60n * PAR], { account: alice.account }),
        registry, "InsufficientStake", [op1.account.address, 50n * PAR, 60n * PAR],
      );
    });

    it("stakes and delegates with EIP-2612 permits instead of approvals", async () => {
      const { publicClient, token, registry, op1, alice, register } = await deploy();
      const chainId = await publicClient.getChainId();
      async function permit(owner: typeof alice, value: bigint, deadline: bigint) {
        await token.write.approve([registry.address, 0n], { account: owner.account });
        const nonce = await token.read.nonces([owner.account.address]);
        const { v, r, s } = await signPermit(owner, parDomain(chainId, token.address), { owner: owner.account.address, spender: registry.address, value, nonce, deadline });
        return [deadline, v, r, s] as const;
      }
      await register(op1, 0n);
      const deadline = (await publicClient.getBlock()).timestamp + 3600n;
      await registry.write.stakeWithPermit([7n * PAR, ...(await permit(op1, 7n * PAR, deadline))], { account: op1.account });
      await registry.write.delegateWithPermit(
        [op1.account.address, 5n * PAR, ...(await permit(alice, 5n * PAR, deadline))], { account: alice.account },
      );
      assert.equal(await registry.read.stakeOf([op1.account.address]), 12n * PAR);
    });
  });

  describe("bonds and slashing", () => {
    it("locks and unlocks bonds out of free stake, saturating on unlock", async () => {
      const { viem, registry, market, op1, register } = await deploy();
      await register(op1, 100n * PAR);
      const m = { account: market.account };
      await registry.write.lockBond([op1.account.address, 60n * PAR], m);
      assert.equal(await registry.read.freeStakeOf([op1.account.address]), 40n * PAR);
      assert.equal(await registry.read.lockedBondOf([op1.account.address]), 60n * PAR);
      assert.equal(await registry.read.stakeOf([op1.account.address]), 100n * PAR);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.lockBond([op1.account.address, 40n * PAR + 1n], m), registry, "InsufficientStake",
        [op1.account.address, 40n * PAR, 40n * PAR + 1n],
      );
      await registry.write.lockBond([op1.account.address, 0n], m);
      await registry.write.unlockBond([op1.account.address, 10n * PAR], m);
      assert.equal(await registry.read.lockedBondOf([op1.account.address]), 50n * PAR);
      await registry.write.unlockBond([op1.account.address, 80n * PAR], m);
      assert.equal(await registry.read.lockedBondOf([op1.account.address]), 0n);
    });

    it("slashes the case's locked bond first, then free and unbonding stake pro rata, shared by delegators", async () => {
      const { viem, networkHelpers, registry, market, op1, alice, bob, stranger, register, balance, received, assertAccounted } =
        await deploy();
      const k = op1.account.address;
      await register(op1, 100n * PAR);
      await registry.write.delegate([k, 300n * PAR], { account: alice.account });
      await registry.write.delegate([k, 100n * PAR], { account: bob.account });
      await registry.write.undelegate([k, 100n * PAR], { account: bob.account });
      await registry.write.lockBond([k, 50n * PAR], { account: market.account });

      await viem.assertions.emitWithArgs(
        registry.write.slash([k, 250n * PAR, 50n * PAR, stranger.account.address], { account: market.account }),
        // the unbonding part rounds down: dust in the unbonding bucket is never taken by rounding
        registry, "Slashed", [k, stranger.account.address, 250n * PAR, 50n * PAR, 15_555_555_556n, 4_444_444_444n],
      );
      assert.equal(await balance(stranger.account.address), 250n * PAR);
      assert.equal(await registry.read.lockedBondOf([k]), 0n);
      assert.equal(await registry.read.stakeOf([k]), 19_444_444_444n);
      assert.equal(await registry.read.unbondingOf([k]), 5_555_555_556n);
      assert.equal(await registry.read.totalStake(), 19_444_444_444n);
      assert.equal((await registry.read.positionOf([k, k])).stake, 4_861_111_111n);
      assert.equal((await registry.read.positionOf([k, alice.account.address])).stake, 14_583_333_333n);
      await assertAccounted();

      await networkHelpers.time.increase(UNBONDING);
      assert.equal(await received(bob.account.address, () => registry.write.withdraw([k], { account: bob.account })),
        5_555_555_556n);
      await registry.write.undelegate([k, 14_583_333_333n], { account: alice.account });
      await registry.write.requestUnbond([4_861_111_111n], { account: op1.account });
      await networkHelpers.time.increase(UNBONDING);
      const a = await received(alice.account.address, () => registry.write.withdraw([k], { account: alice.account }));
      const o = await received(k, () => registry.write.withdraw([k], { account: op1.account }));
      assert.equal(a, 14_583_333_333n);
      assert.equal(o, 4_861_111_111n);
      // burns round up, in favour of the pool; the last holder takes the remainder
      assert.equal((await registry.read.positionOf([k, alice.account.address])).shares, 0n);
      assert.equal((await registry.read.positionOf([k, k])).shares, 0n);
      assert.equal(await registry.read.stakeOf([k]), 0n);
      assert.equal(await balance(registry.address), 0n);
      await assertAccounted();
    });

    it("leaves the bonds of other tasks locked while free stake can pay, and takes them last", async () => {
      const { registry, market, op1, stranger, register, assertAccounted } = await deploy();
      const k = op1.account.address;
      const as = { account: market.account };
      await register(op1, 100n * PAR);
      await registry.write.lockBond([k, 20n * PAR], as); // the case being punished
      await registry.write.lockBond([k, 30n * PAR], as); // another task in flight
      await registry.write.slash([k, 40n * PAR, 20n * PAR, stranger.account.address], as);
      assert.equal(await registry.read.lockedBondOf([k]), 30n * PAR); // the other task is still backed
      assert.equal(await registry.read.stakeOf([k]), 60n * PAR);
      assert.equal(await registry.read.freeStakeOf([k]), 30n * PAR);
      // a juror-style penalty (no bond behind it) comes from free stake
      await registry.write.slash([k, 10n * PAR, 0n, stranger.account.address], as);
      assert.equal(await registry.read.lockedBondOf([k]), 30n * PAR);
      // only when free stake runs out does a slash reach the other task's bond
      await registry.write.slash([k, 25n * PAR, 0n, stranger.account.address], as);
      assert.equal(await registry.read.lockedBondOf([k]), 25n * PAR);
      assert.equal(await registry.read.stakeOf([k]), 25n * PAR);
      await assertAccounted();
    });

    it("reaches stake that is unbonding", async () => {
      const { registry, market, op1, stranger, register } = await deploy();
      await register(op1, 100n * PAR);
      await registry.write.requestUnbond([100n * PAR], { account: op1.account });
      const slashed = await registry.simulate.slash([op1.account.address, 30n * PAR, 0n, stranger.account.address], {
        account: market.account.address,
      });
      assert.equal(slashed.result, 30n * PAR);
      await registry.write.slash([op1.account.address, 30n * PAR, 0n, stranger.account.address], { account: market.account });
      assert.equal(await registry.read.unbondingOf([op1.account.address]), 70n * PAR);
    });

    it("takes no more than the pool holds, then takes new stake at par: the old shares are worth 0", async () => {
      const { registry, market, op1, alice, stranger, register, balance, assertAccounted } = await deploy();
      const k = op1.account.address;
      await register(op1, 100n * PAR);
      await registry.write.slash([k, 1_000n * PAR, 0n, stranger.account.address], { account: market.account });
      assert.equal(await balance(stranger.account.address), 100n * PAR);
      assert.equal(await registry.read.stakeOf([k]), 0n);
      assert.equal((await registry.read.positionOf([k, k])).shares, 0n);
      await registry.write.delegate([k, PAR], { account: alice.account });
      assert.equal((await registry.read.positionOf([k, alice.account.address])).stake, PAR);
      assert.equal((await registry.read.positionOf([k, k])).stake, 0n);
      await registry.write.addStake([2n * PAR], { account: op1.account });
      assert.equal((await registry.read.positionOf([k, k])).stake, 2n * PAR);
      assert.equal(await registry.read.stakeOf([k]), 3n * PAR);
      await assertAccounted();
    });
  });

  describe("rewards and commission", () => {
    it("pays the commission to the operator and the rest pro rata, to the base unit", async () => {
      const { viem, registry, op1, alice, register, reward, received, assertAccounted , instantRewards } = await deploy();
      await instantRewards();
      const k = op1.account.address;
      await register(op1, 100n * PAR, 1_000);
      await registry.write.delegate([k, 300n * PAR], { account: alice.account });
      const amount = 1_000n * PAR + 7n;
      await viem.assertions.emitWithArgs(reward(k, amount), registry, "Rewarded", [k, amount, 100n * PAR]);
      // commission 10% = 100 PAR; 900 PAR + 7 units over 400 PAR of shares (1:3)
      assert.equal((await registry.read.positionOf([k, alice.account.address])).rewards, 67_500_000_005n);
      const a = await received(alice.account.address, () => registry.write.claimRewards([k], { account: alice.account }));
      const o = await received(k, () => registry.write.claimRewards([k], { account: op1.account }));
      assert.equal(a, 67_500_000_005n);
      assert.equal(o, 100n * PAR + 22_500_000_001n);
      assert.ok(amount - a - o <= 2n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.claimRewards([k], { account: alice.account }), registry, "NothingToClaim",
        [k, alice.account.address],
      );
      await assertAccounted();
    });

    it("gives late delegators nothing of earlier rewards and stops rewarding unbonded shares", async () => {
      const { registry, op1, alice, bob, register, reward , instantRewards } = await deploy();
      await instantRewards();
      const k = op1.account.address;
      await register(op1, 100n * PAR);
      await reward(k, 10n * PAR);
      await registry.write.delegate([k, 100n * PAR], { account: alice.account });
      await reward(k, 10n * PAR);
      await registry.write.delegate([k, 200n * PAR], { account: bob.account });
      await registry.write.undelegate([k, 100n * PAR], { account: alice.account });
      await reward(k, 30n * PAR);
      const rewards = async (who: Address) => (await registry.read.positionOf([k, who])).rewards;
      assert.equal(await rewards(k), 25n * PAR);
      assert.equal(await rewards(alice.account.address), 5n * PAR);
      assert.equal(await rewards(bob.account.address), 20n * PAR);
    });

    it("gives the whole reward to the operator of a pool without stake", async () => {
      const { registry, op1, register, reward , instantRewards } = await deploy();
      await instantRewards();
      await register(op1, 0n);
      await reward(op1.account.address, 3n * PAR);
      assert.equal((await registry.read.positionOf([op1.account.address, op1.account.address])).rewards, 3n * PAR);
    });

    it("applies a commission change only after commissionDelay", async () => {
      const { viem, networkHelpers, publicClient, registry, op1, alice, register, reward , instantRewards } = await deploy();
      await instantRewards();
      const k = op1.account.address;
      await register(op1, 100n * PAR, 500);
      await registry.write.delegate([k, 100n * PAR], { account: alice.account });
      const hash = await registry.write.setCommission([2_000], { account: op1.account });
      const { timestamp } = await publicClient.getBlock({ blockNumber: (await publicClient.waitForTransactionReceipt({ hash })).blockNumber });
      const view = await registry.read.keeperOf([k]);
      assert.equal(view.commissionBps, 500);
      assert.equal(view.pendingCommissionBps, 2_000);
      assert.equal(view.commissionEffectiveAt, timestamp + COMMISSION_DELAY);
      await reward(k, 100n * PAR);
      assert.equal((await registry.read.positionOf([k, alice.account.address])).rewards, 47n * PAR + PAR / 2n);
      await networkHelpers.time.increaseTo(timestamp + COMMISSION_DELAY);
      assert.equal(await registry.read.commissionOf([k]), 2_000);
      await reward(k, 100n * PAR);
      assert.equal((await registry.read.positionOf([k, alice.account.address])).rewards, 87n * PAR + PAR / 2n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setCommission([2_001], { account: op1.account }), registry, "CommissionTooHigh", [2_001n, 2_000n],
      );
    });

    it("unlocks a bond and rewards the pool in one call", async () => {
      const { token, registry, market, op1, register , instantRewards } = await deploy();
      await instantRewards();
      const k = op1.account.address;
      await register(op1, 100n * PAR, 1_000);
      await registry.write.lockBond([k, 40n * PAR], { account: market.account });
      await token.write.transfer([registry.address, 10n * PAR], { account: market.account });
      await registry.write.unlockAndReward([k, 40n * PAR, 10n * PAR], { account: market.account });
      assert.equal(await registry.read.freeStakeOf([k]), 100n * PAR);
      assert.equal((await registry.read.positionOf([k, k])).rewards, 10n * PAR);
    });

    it("reverts NotRegistered when rewarding an unknown keeper", async () => {
      const { viem, registry, market, stranger } = await deploy();
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.reward([stranger.account.address, PAR], { account: market.account }), registry, "NotRegistered",
        [stranger.account.address],
      );
    });
  });

  describe("sortition", () => {
    it("draws in proportion to stake and never an unavailable or zero-stake keeper", async () => {
      const { networkHelpers, publicClient, registry, op1, op2, op3, alice, register } = await deploy();
      await register(op1, 100n * PAR);
      await register(op2, 300n * PAR);
      await register(op3, 0n);
      await register(alice, 600n * PAR);
      await registry.write.setAvailable([false], { account: alice.account });
      await networkHelpers.mine(1);
      const at = await publicClient.getBlockNumber();
      const counts = new Map<string, number>();
      const N = 800;
      for (let i = 0; i < N; i++) {
        const seed = BigInt(keccak256(encodePacked(["uint256"], [BigInt(i)])));
        const who = lower(await registry.read.draw([1, seed, at]));
        counts.set(who, (counts.get(who) ?? 0) + 1);
      }
      const c1 = counts.get(lower(op1.account.address)) ?? 0;
      const c2 = counts.get(lower(op2.account.address)) ?? 0;
      assert.equal(c1 + c2, N);
      // weights stake + 1: op3 (no stake) is drawn with probability 1 / (400·10⁸ + 3), i.e. never here;
      // op1 expected 200 / 600, standard deviation ~12.2: 5 sigma
      assert.ok(Math.abs(c1 - 200) < 62, `op1 drawn ${c1} times`);
    });

    it("draws uniformly among active keepers when none has stake, and address(0) when none is active", async () => {
      const { registry, op1, op2, register, draw } = await deploy();
      assert.equal(await draw(1n), zeroAddress);
      await register(op1, 0n);
      await register(op2, 0n);
      const seen = new Set<string>();
      for (let i = 0n; i < 16n; i++) seen.add(await draw(i));
      assert.deepEqual(seen, new Set([lower(op1.account.address), lower(op2.account.address)]));
      await registry.write.setAvailable([false], { account: op1.account });
      await registry.write.setAvailable([false], { account: op2.account });
      assert.equal(await draw(1n), zeroAddress);
    });

    it("takes keepers below a raised minStake out of the draw after sync", async () => {
      const { registry, op1, op2, register, draw } = await deploy();
      await register(op1, 5n * PAR);
      await register(op2, 50n * PAR);
      await registry.write.setParameter([param("minStake"), 10n * PAR]);
      assert.equal(await registry.read.isActive([op1.account.address]), false);
      await registry.write.sync([op1.account.address]);
      assert.equal(await registry.read.totalStake(), 50n * PAR);
      for (let i = 0n; i < 16n; i++) assert.equal(await draw(i * 104729n), lower(op2.account.address));
    });

    it("draws from the tree as it stood at the start of a past block, whatever changed since", async () => {
      const { networkHelpers, publicClient, registry, op1, op2, register } = await deploy();
      await register(op1, 100n * PAR);
      await networkHelpers.mine(1);
      const before = await publicClient.getBlockNumber();
      await register(op2, 900n * PAR); // op2 joins after `before` began: not in the tree then
      await registry.write.addStake([PAR], { account: op1.account });
      await registry.write.addStake([5n * PAR], { account: op1.account });
      for (let i = 0n; i < 12n; i++) {
        assert.equal(lower(await registry.read.draw([1, BigInt(keccak256(toHex(i))), before])), lower(op1.account.address));
      }
      await networkHelpers.mine(1);
      const now = await publicClient.getBlockNumber();
      const seen = new Set<string>();
      for (let i = 0n; i < 12n; i++) seen.add(lower(await registry.read.draw([1, BigInt(keccak256(toHex(i))), now])));
      assert.ok(seen.has(lower(op2.account.address)), "op2 is drawn once it is in the tree");
      assert.equal(await registry.read.draw([3, 1n, now]), zeroAddress, "nobody serves model 3");
    });

    it("keeps one tree per model: a keeper is drawn only for the models it serves, and moves with updateModels", async () => {
      const { registry, op1, op2, register, draw } = await deploy();
      await register(op1, 100n * PAR, 0, [1]);
      await register(op2, 100n * PAR, 0, [2]);
      for (let i = 0n; i < 8n; i++) {
        assert.equal(await draw(i * 31n, 1), lower(op1.account.address));
        assert.equal(await draw(i * 31n, 2), lower(op2.account.address));
      }
      assert.equal(await registry.read.modelWeight([1]), 100n * PAR + 1n);
      await registry.write.updateModels([[2, 3]], { account: op1.account });
      assert.equal(await registry.read.modelWeight([1]), 0n);
      assert.equal(await registry.read.modelWeight([2]), 200n * PAR + 2n);
      assert.equal(await draw(5n, 1), zeroAddress);
      assert.equal(await draw(5n, 3), lower(op1.account.address));
    });
  });

  describe("governance and access", () => {
    it("sets parameters within bounds and emits ParameterSet", async () => {
      const { viem, registry } = await deploy();
      await viem.assertions.emitWithArgs(
        registry.write.setParameter([param("unbondingPeriod"), 60n]), registry, "ParameterSet",
        [param("unbondingPeriod"), UNBONDING, 60n],
      );
      assert.equal(await registry.read.unbondingPeriod(), 60n);
      await registry.write.setParameter([param("maxCommissionBps"), 3_000n]);
      await registry.write.setParameter([param("commissionDelay"), 0n]);
      assert.equal(await registry.read.maxCommissionBps(), 3_000n);
      assert.equal(await registry.read.commissionDelay(), 0n);
      for (const [name, value, min, max] of [
        ["minStake", 10_000_000n * PAR + 1n, 0n, 10_000_000n * PAR],
        ["unbondingPeriod", 0n, 1n, 60n * DAY],
        ["unbondingPeriod", 60n * DAY + 1n, 1n, 60n * DAY],
        ["maxCommissionBps", 5_001n, 0n, 5_000n],
        ["commissionDelay", 30n * DAY + 1n, 0n, 30n * DAY],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          registry.write.setParameter([param(name), value]), registry, "ParameterOutOfBounds", [param(name), value, min, max],
        );
      }
      await viem.assertions.revertWithCustomErrorWithArgs(
        registry.write.setParameter([param("jurySize"), 5n]), registry, "UnknownParameter", [param("jurySize")],
      );
    });

    it("reverts AccessControlUnauthorizedAccount for strangers on market and governance functions", async () => {
      const { viem, registry, op1, stranger, register } = await deploy();
      await register(op1, 100n * PAR);
      const as = { account: stranger.account };
      const k = op1.account.address;
      for (const [call, role] of [
        [registry.write.lockBond([k, 1n], as), MARKET_ROLE],
        [registry.write.unlockBond([k, 1n], as), MARKET_ROLE],
        [registry.write.slash([k, 1n, 0n, stranger.account.address], as), MARKET_ROLE],
        [registry.write.reward([k, 1n], as), MARKET_ROLE],
        [registry.write.unlockAndReward([k, 1n, 1n], as), MARKET_ROLE],
        [registry.write.setParameter([param("minStake"), 1n], as), ADMIN_ROLE],
      ] as const) {
        await viem.assertions.revertWithCustomErrorWithArgs(call, registry, "AccessControlUnauthorizedAccount", [
          stranger.account.address, role,
        ]);
      }
    });
  });
});
