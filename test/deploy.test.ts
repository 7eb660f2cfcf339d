import assert from "node:assert/strict";
import { network } from "hardhat";
import { stringToHex, zeroAddress } from "viem";
import { deployParadigm } from "../deploy/deployment.js";
import { DEVNET } from "../deploy/parameters.js";

const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as const;

describe("deployment (Ignition module)", () => {
  it("wires the protocol, applies the devnet profile and leaves the deployer no admin role", async () => {
    const connection = await network.create();
    const { viem } = connection;
    const [deployer] = await viem.getWalletClients();
    const book = await deployParadigm(connection, DEVNET);
    const c = book.contracts;
    const me = deployer.account.address;
    for (const name of ["ParadigmToken", "EmissionPool", "ModelRegistry", "KeeperRegistry", "TaskMarket", "TaskCourt"]) {
      assert.notEqual(c[name], undefined, `${name} in the address book`);
    }

    const token = await viem.getContractAt("ParadigmToken", c.ParadigmToken);
    assert.equal(await token.read.totalSupply(), 0n, "no premine");
    assert.equal((await token.read.minter()).toLowerCase(), c.EmissionPool.toLowerCase());
    assert.equal((await token.read.governance()).toLowerCase(), c.ParadigmTimelock.toLowerCase());

    const pool = await viem.getContractAt("EmissionPool", c.EmissionPool);
    assert.equal((await pool.read.keepers()).toLowerCase(), c.KeeperRegistry.toLowerCase(), "pool vests into the registry");
    assert.equal(await pool.read.genesisVesting(), BigInt(DEVNET.pool.genesisVesting));
    const registry = await viem.getContractAt("KeeperRegistry", c.KeeperRegistry);
    assert.equal(await registry.read.hasRole([await registry.read.VESTER_ROLE(), c.EmissionPool]), true);
    assert.equal(await registry.read.rolesSealed(), true, "registry: MARKET_ROLE and VESTER_ROLE sealed");
    assert.equal(await pool.read.rolesSealed(), true, "pool: MARKET_ROLE and POLICY_ROLE sealed");
    await viem.assertions.revertWithCustomError(pool.write.setKeepers([me]), pool, "AccessControlUnauthorizedAccount");

    const market = await viem.getContractAt("ITaskMarket", c.TaskMarket);
    assert.equal(await market.read.challengeWindow(), BigInt(DEVNET.market.challengeWindow));

    for (const name of ["ParadigmTimelock", "EmissionPool", "ModelRegistry", "KeeperRegistry", "TaskMarket", "TaskCourt"]) {
      const contract = await viem.getContractAt("EmissionPool", c[name]); // any AccessControl ABI
      assert.equal(await contract.read.hasRole([DEFAULT_ADMIN_ROLE, me]), false, `${name}: deployer renounced admin`);
    }
    const timelock = await viem.getContractAt("ParadigmTimelock", c.ParadigmTimelock);
    assert.equal(await timelock.read.hasRole([DEFAULT_ADMIN_ROLE, c.ParadigmTimelock]), true, "timelock administers itself");

    const keepers = await viem.getContractAt("KeeperRegistry", c.KeeperRegistry);
    await viem.assertions.revertWithCustomError(
      keepers.write.setParameter([stringToHex("minStake", { size: 32 }), 1n]),
      keepers,
      "AccessControlUnauthorizedAccount",
    );
    assert.notEqual(c.TaskCourt, zeroAddress);
  });
});
