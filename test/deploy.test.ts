import assert from "node:assert/strict";
import hre, { network } from "hardhat";
import { stringToHex, zeroAddress } from "viem";
import { deployParadigm } from "../deploy/deployment.js";
import { DEVNET, PROFILES, TEST } from "../deploy/profiles.js";

const DEFAULT_ADMIN_ROLE = `0x${"00".repeat(32)}` as const;

describe("deployment (Ignition module)", () => {
  it("wires the protocol, applies the devnet profile and leaves the deployer no admin role", async () => {
    const connection = await network.create();
    const { viem } = connection;
    const [deployer] = await viem.getWalletClients();
    const { book } = await deployParadigm(connection, DEVNET);
    const c = book.contracts as Required<typeof book.contracts>; // the whole protocol, checked below
    const me = deployer.account.address;
    for (const name of ["ParadigmToken", "EmissionPool", "ModelRegistry", "KeeperRegistry", "TaskMarket", "TaskCourt"] as const) {
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

    for (const name of ["ParadigmTimelock", "EmissionPool", "ModelRegistry", "KeeperRegistry", "TaskMarket", "TaskCourt"] as const) {
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

  it("has a parameter profile for every network deploy/deploy.ts can deploy to", () => {
    const missing = Object.keys(hre.config.networks).filter((name) => !PROFILES[name]);
    assert.deepEqual(missing, [], "networks without a profile in deploy/profiles.ts");
    for (const l2 of ["base", "baseSepolia", "optimism", "optimismSepolia", "arbitrum", "arbitrumSepolia"]) {
      assert.ok(l2 in hre.config.networks, `${l2}: a real L2 the module deploys to`);
    }
  });

  it("the test profile: the deployer governs and mints, keeps its admin roles, and no timelock is deployed", async () => {
    const connection = await network.create();
    const [deployer] = await connection.viem.getWalletClients();
    const { book, deployed } = await deployParadigm(connection, TEST);
    const me = deployer.account.address.toLowerCase();
    assert.equal(book.contracts.ParadigmTimelock, undefined);
    assert.equal((await deployed.token.read.minter()).toLowerCase(), me);
    assert.equal((await deployed.token.read.governance()).toLowerCase(), me);
    for (const contract of [deployed.pool, deployed.keepers, deployed.court]) {
      assert.equal(await contract.read.hasRole([DEFAULT_ADMIN_ROLE, deployer.account.address]), true);
      assert.equal(await contract.read.rolesSealed(), false);
    }
    assert.equal((await deployed.marketApi.read.court()).toLowerCase(), deployed.court.address.toLowerCase());
  });
});
