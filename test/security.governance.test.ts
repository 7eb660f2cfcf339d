import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { encodeFunctionData, keccak256, stringToHex, toHex, zeroHash, type Abi, type Address, type Hex } from "viem";
import { deployParadigm } from "../deploy/deployment.js";
import type { AddressBook } from "../keepers/src/chain/addresses.js";
import { DEVNET } from "../deploy/profiles.js";

const PAR = 10n ** 8n;
const MARKET_ROLE = keccak256(toHex("MARKET_ROLE"));
const ARBITER_ROLE = keccak256(toHex("ARBITER_ROLE"));
const VESTER_ROLE = keccak256(toHex("VESTER_ROLE"));
const POLICY_ROLE = keccak256(toHex("POLICY_ROLE"));
const DEFAULT_ADMIN_ROLE = zeroHash;
const DAY = 86_400n;
/** Governor ProposalState.Succeeded. */
const SUCCEEDED = 4;

/** The whole protocol as the Ignition module deploys it (devnet profile); the deployer is the guardian. */
async function deployed() {
  const connection = await network.create();
  const { viem, networkHelpers } = connection;
  const [deployer, attacker, victim, voter] = await viem.getWalletClients();
  const c = (await deployParadigm(connection, DEVNET)).book.contracts as Required<AddressBook["contracts"]>;
  const token = await viem.getContractAt("ParadigmToken", c.ParadigmToken);
  const timelock = await viem.getContractAt("ParadigmTimelock", c.ParadigmTimelock);
  const guardian = await viem.getContractAt("GenesisGuardian", c.GenesisGuardian);
  const governor = await viem.getContractAt("ParadigmGovernor", c.ParadigmGovernor);
  const pool = await viem.getContractAt("EmissionPool", c.EmissionPool);
  const keepers = await viem.getContractAt("KeeperRegistry", c.KeeperRegistry);

  /** An account that signs as `address` (a contract, impersonated), with ETH for gas. */
  async function asAccount(address: Address) {
    await networkHelpers.impersonateAccount(address);
    await networkHelpers.setBalance(address, 10n ** 18n);
    return (await viem.getWalletClient(address)).account;
  }

  /** PAR as emission would pay it: minted by the pool, PAR's only minter (impersonated here). */
  async function earned(to: Address, amount: bigint) {
    await token.write.mint([to, amount], { account: await asAccount(pool.address) });
  }

  /** The guardian schedules `calls` through the timelock, waits the delay, and anyone executes them. */
  async function guardianExecutes(calls: { target: Address; data: Hex }[]) {
    const targets = calls.map((x) => x.target);
    const values = calls.map(() => 0n);
    const payloads = calls.map((x) => x.data);
    const delay = await timelock.read.getMinDelay();
    await guardian.write.scheduleBatch([targets, values, payloads, zeroHash, zeroHash, delay], { account: deployer.account });
    await networkHelpers.time.increase(delay);
    return timelock.write.executeBatch([targets, values, payloads, zeroHash, zeroHash], { account: attacker.account });
  }

  /** `voter` proposes `calls` on the Governor and votes for them; returns the proposal and its arguments. */
  async function proposeAndVote(calls: { target: Address; data: Hex }[], description: string) {
    const args = [calls.map((x) => x.target), calls.map(() => 0n), calls.map((x) => x.data)] as const;
    const descriptionHash = keccak256(toHex(description));
    await governor.write.propose([...args, description], { account: voter.account });
    const id = await governor.read.hashProposal([...args, descriptionHash]);
    await networkHelpers.time.increase(DEVNET.parameters.votingDelay + 1);
    await governor.write.castVote([id, 1], { account: voter.account });
    await networkHelpers.time.increase(DEVNET.parameters.votingPeriod + 1);
    return { id, args: [...args, descriptionHash] as const };
  }

  return { viem, networkHelpers, c, asAccount, proposeAndVote, deployer, attacker, victim, voter, token, timelock, guardian, governor, pool, keepers, earned, guardianExecutes };
}

const call = (target: { address: Address; abi: Abi }, functionName: string, args: unknown[]) => ({
  target: target.address,
  data: encodeFunctionData({ abi: target.abi, functionName, args }),
});

describe("Security: governance", () => {
  describe("the roles through which funds move are sealed at deployment", () => {
    it("the guardian cannot grant the registry's MARKET_ROLE through the timelock (RoleSealed), so an attacker cannot slash a keeper's stake to itself", async () => {
      const { viem, attacker, victim, token, keepers, earned, guardianExecutes } = await deployed();
      const stake = 1_000n * PAR;
      await earned(victim.account.address, stake);
      await token.write.approve([keepers.address, stake], { account: victim.account });
      await keepers.write.register(["https://victim.example", stringToHex("cpu", { size: 32 }), [1], stake, 0], { account: victim.account });

      await viem.assertions.revertWithCustomErrorWithArgs(
        guardianExecutes([call(keepers, "grantRole", [MARKET_ROLE, attacker.account.address])]),
        keepers,
        "RoleSealed",
        [MARKET_ROLE],
      );
      assert.equal(await keepers.read.hasRole([MARKET_ROLE, attacker.account.address]), false);
      await viem.assertions.revertWithCustomErrorWithArgs(
        keepers.write.slash([victim.account.address, stake, 0n, attacker.account.address], { account: attacker.account }),
        keepers,
        "AccessControlUnauthorizedAccount",
        [attacker.account.address, MARKET_ROLE],
      );
      assert.equal(await keepers.read.stakeOf([victim.account.address]), stake);
      assert.equal(await token.read.balanceOf([attacker.account.address]), 0n);
    });

    it("the guardian cannot grant the pool's MARKET_ROLE through the timelock (RoleSealed), so an attacker cannot credit itself work and mint", async () => {
      const { viem, attacker, token, pool, guardianExecutes } = await deployed();
      await viem.assertions.revertWithCustomErrorWithArgs(
        guardianExecutes([call(pool, "grantRole", [MARKET_ROLE, attacker.account.address])]),
        pool,
        "RoleSealed",
        [MARKET_ROLE],
      );
      await viem.assertions.revertWithCustomErrorWithArgs(
        pool.write.creditWork([attacker.account.address, 1n, 0n, 10n ** 24n], { account: attacker.account }),
        pool,
        "NotMarket",
        [attacker.account.address],
      );
      assert.equal(await token.read.totalSupply(), 0n);
    });

    it("a passed Governor proposal cannot grant the registry's MARKET_ROLE either (RoleSealed)", async () => {
      const { viem, networkHelpers, attacker, voter, token, keepers, governor, earned, proposeAndVote } = await deployed();
      await earned(voter.account.address, 1_000n * PAR);
      await token.write.delegate([voter.account.address], { account: voter.account });
      await networkHelpers.time.increase(1);
      const { id, args } = await proposeAndVote([call(keepers, "grantRole", [MARKET_ROLE, attacker.account.address])], "grant");
      assert.equal(await governor.read.state([id]), SUCCEEDED);
      await governor.write.queue(args, { account: voter.account });
      await networkHelpers.time.increase(DEVNET.parameters.timelockDelay + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(governor.write.execute(args, { account: voter.account }), keepers, "RoleSealed", [MARKET_ROLE]);
      assert.equal(await keepers.read.hasRole([MARKET_ROLE, attacker.account.address]), false);
    });

    it("nobody, the timelock included, can grant, revoke or renounce the registry's MARKET_ROLE and VESTER_ROLE, the pool's MARKET_ROLE and POLICY_ROLE or the court's ARBITER_ROLE", async () => {
      const { viem, attacker, asAccount, c } = await deployed();
      const keepers = await viem.getContractAt("SealedRoles", c.KeeperRegistry);
      const pool = await viem.getContractAt("SealedRoles", c.EmissionPool);
      const court = await viem.getContractAt("SealedRoles", c.TaskCourt);
      assert.equal(await keepers.read.rolesSealed(), true);
      assert.equal(await pool.read.rolesSealed(), true);
      assert.equal(await court.read.rolesSealed(), true);
      const sealed = [
        { contract: court, role: ARBITER_ROLE, holders: [c.ParadigmTimelock] },
        { contract: keepers, role: MARKET_ROLE, holders: [c.TaskMarket, c.TaskCourt] },
        { contract: keepers, role: VESTER_ROLE, holders: [c.EmissionPool] },
        { contract: pool, role: MARKET_ROLE, holders: [c.TaskMarket, c.TaskCourt] },
        { contract: pool, role: POLICY_ROLE, holders: [c.TaskMarket] },
      ] as const;
      for (const { contract, role, holders } of sealed) {
        for (const holder of holders) assert.equal(await contract.read.hasRole([role, holder]), true, "wired at deployment");
        const asTimelock = await asAccount(c.ParadigmTimelock);
        await viem.assertions.revertWithCustomErrorWithArgs(
          contract.write.grantRole([role, attacker.account.address], { account: asTimelock }),
          contract,
          "RoleSealed",
          [role],
        );
        for (const holder of holders) {
          await viem.assertions.revertWithCustomErrorWithArgs(
            contract.write.revokeRole([role, holder], { account: asTimelock }),
            contract,
            "RoleSealed",
            [role],
          );
          await viem.assertions.revertWithCustomErrorWithArgs(
            contract.write.renounceRole([role, holder], { account: await asAccount(holder) }),
            contract,
            "RoleSealed",
            [role],
          );
        }
      }
    });

    it("sealing is DEFAULT_ADMIN_ROLE's alone and leaves the other roles to governance", async () => {
      const { viem, attacker, asAccount, c } = await deployed();
      for (const address of [c.KeeperRegistry, c.EmissionPool]) {
        const contract = await viem.getContractAt("SealedRoles", address);
        await viem.assertions.revertWithCustomErrorWithArgs(
          contract.write.sealRoles({ account: attacker.account }),
          contract,
          "AccessControlUnauthorizedAccount",
          [attacker.account.address, DEFAULT_ADMIN_ROLE],
        );
        // governance may still hand its admin role on (e.g. to a new timelock), through the timelock
        const asTimelock = await asAccount(c.ParadigmTimelock);
        await contract.write.grantRole([DEFAULT_ADMIN_ROLE, attacker.account.address], { account: asTimelock });
        assert.equal(await contract.read.hasRole([DEFAULT_ADMIN_ROLE, attacker.account.address]), true);
        await contract.write.sealRoles({ account: asTimelock }); // sealing again changes nothing
        assert.equal(await contract.read.rolesSealed(), true);
      }
    });
  });

  describe("stakers can leave before a governance change takes effect", () => {
    it("deploys an unbonding period below the timelock delay: 7 < 8 days by default, and on the devnet profile", async () => {
      const { keepers, timelock } = await deployed();
      assert.equal((await timelock.read.keepers()).toLowerCase(), keepers.address.toLowerCase());
      assert.ok((await keepers.read.unbondingPeriod()) < (await timelock.read.getMinDelay()), "devnet");
      const connection = await network.create();
      const c = (await deployParadigm(connection)).book.contracts as Required<AddressBook["contracts"]>;
      const production = {
        keepers: await connection.viem.getContractAt("KeeperRegistry", c.KeeperRegistry),
        timelock: await connection.viem.getContractAt("ParadigmTimelock", c.ParadigmTimelock),
      };
      assert.equal(await production.keepers.read.unbondingPeriod(), 7n * DAY);
      assert.equal(await production.timelock.read.getMinDelay(), 8n * DAY);
    });

    it("the registry refuses an unbonding period >= the timelock delay (UnbondingNotBelowDelay), from governance and at construction", async () => {
      const { viem, keepers, timelock, token, asAccount } = await deployed();
      const delay = await timelock.read.getMinDelay();
      const asTimelock = await asAccount(timelock.address);
      const unbondingPeriod = stringToHex("unbondingPeriod", { size: 32 });
      for (const value of [delay, delay + 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          keepers.write.setParameter([unbondingPeriod, value], { account: asTimelock }),
          keepers,
          "UnbondingNotBelowDelay",
          [value, delay],
        );
      }
      await keepers.write.setParameter([unbondingPeriod, delay - 1n], { account: asTimelock });
      assert.equal(await keepers.read.unbondingPeriod(), delay - 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        viem.deployContract("KeeperRegistry", [token.address, timelock.address, 0n, delay, 2_000n, 60n]),
        keepers,
        "UnbondingNotBelowDelay",
        [delay, delay],
      );
    });

    it("the timelock refuses a delay <= the unbonding period (DelayNotAboveUnbonding), and learns the registry only once", async () => {
      const { viem, keepers, timelock, guardianExecutes, asAccount } = await deployed();
      const unbonding = await keepers.read.unbondingPeriod();
      for (const delay of [unbonding, 1n]) {
        await viem.assertions.revertWithCustomErrorWithArgs(
          guardianExecutes([call(timelock, "updateDelay", [delay])]),
          timelock,
          "DelayNotAboveUnbonding",
          [delay, unbonding],
        );
      }
      await guardianExecutes([call(timelock, "updateDelay", [unbonding + 1n])]);
      assert.equal(await timelock.read.getMinDelay(), unbonding + 1n);
      await viem.assertions.revertWithCustomErrorWithArgs(
        timelock.write.setKeepers([timelock.address], { account: await asAccount(timelock.address) }),
        timelock,
        "KeepersAlreadySet",
        [keepers.address],
      );
    });

    it("a delegator who unbonds when a harmful change is scheduled withdraws before the change can execute", async () => {
      const { deployer, victim: keeper, voter: delegator, token, timelock, guardian, keepers, c, viem, networkHelpers, earned } = await deployed();
      const court = await viem.getContractAt("TaskCourt", c.TaskCourt);
      await keepers.write.register(["https://keeper.example", stringToHex("cpu", { size: 32 }), [1], 0n, 0], { account: keeper.account });
      const stake = 1_000n * PAR;
      await earned(delegator.account.address, stake);
      await token.write.approve([keepers.address, stake], { account: delegator.account });
      await keepers.write.delegate([keeper.account.address, stake], { account: delegator.account });

      // the guardian schedules a slash of the whole stake for any lie; the delegator sees it and leaves
      const op = call(court, "setParameter", [stringToHex("slashBps", { size: 32 }), 10_000n]);
      await guardian.write.schedule([op.target, 0n, op.data, zeroHash, zeroHash, await timelock.read.getMinDelay()], { account: deployer.account });
      const id = await timelock.read.hashOperation([op.target, 0n, op.data, zeroHash, zeroHash]);
      await keepers.write.undelegate([keeper.account.address, stake], { account: delegator.account });
      const { unbondReadyAt } = await keepers.read.positionOf([keeper.account.address, delegator.account.address]);
      assert.ok(unbondReadyAt < (await timelock.read.getTimestamp([id])), "the stake is free before the change executes");
      await networkHelpers.time.increaseTo(unbondReadyAt);
      assert.equal(await timelock.read.isOperationReady([id]), false);
      await keepers.write.withdraw([keeper.account.address], { account: delegator.account });
      assert.equal(await token.read.balanceOf([delegator.account.address]), stake);
    });
  });

  describe("staked PAR and the Governor's quorum", () => {
    it("checkpoints the registry's PAR as the registry's own votes, and leaves them out of the votable supply", async () => {
      const { networkHelpers, victim: keeper, voter, token, keepers, governor, earned } = await deployed();
      assert.equal((await token.read.delegates([keepers.address])).toLowerCase(), keepers.address.toLowerCase());
      assert.equal((await governor.read.keepers()).toLowerCase(), keepers.address.toLowerCase());
      await earned(voter.account.address, 100n * PAR);
      await earned(keeper.account.address, 900n * PAR);
      await token.write.approve([keepers.address, 900n * PAR], { account: keeper.account });
      await keepers.write.register(["https://keeper.example", stringToHex("cpu", { size: 32 }), [1], 900n * PAR, 0], { account: keeper.account });
      await networkHelpers.time.increase(1);
      const now = BigInt(await networkHelpers.time.latest()) - 1n;
      assert.equal(await token.read.getPastVotes([keepers.address, now]), 900n * PAR, "staked PAR: the registry's votes");
      assert.equal(await governor.read.votableSupply([now]), 100n * PAR);
      assert.equal(await governor.read.quorum([now]), 4n * PAR, "4% of the votable 100 PAR");
    });

    it("lets a proposal reach quorum when most of the supply is staked", async () => {
      const { networkHelpers, victim: keeper, voter, token, keepers, pool, governor, earned, proposeAndVote } = await deployed();
      // 1,000 PAR liquid with the voter; 49,000 PAR (98% of the supply) staked, e.g. vested emission
      await earned(voter.account.address, 1_000n * PAR);
      await earned(keeper.account.address, 49_000n * PAR);
      await token.write.approve([keepers.address, 49_000n * PAR], { account: keeper.account });
      await keepers.write.register(["https://keeper.example", stringToHex("cpu", { size: 32 }), [1], 49_000n * PAR, 0], { account: keeper.account });
      await token.write.delegate([voter.account.address], { account: voter.account });
      await networkHelpers.time.increase(1);

      const op = call(pool, "setParameter", [stringToHex("maxShareBps", { size: 32 }), 1_000n]);
      const { id, args } = await proposeAndVote([op], "share cap 10%");
      const snapshot = await governor.read.proposalSnapshot([id]);
      assert.equal(await governor.read.quorum([snapshot]), 40n * PAR, "4% of the 1,000 votable PAR, not of the 50,000 supply");
      assert.equal(await governor.read.state([id]), SUCCEEDED);
      await governor.write.queue(args, { account: voter.account });
      await networkHelpers.time.increase(DEVNET.parameters.timelockDelay + 1n);
      await governor.write.execute(args, { account: voter.account });
      assert.equal(await pool.read.maxShareBps(), 1_000);
    });
  });
});
