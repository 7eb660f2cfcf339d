import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { keccak256, stringToHex, toHex, zeroHash } from "viem";
import {
  CANCELLER_ROLE,
  MIN_DELAY,
  PROPOSER_ROLE,
  call,
  deployGovernance,
  passProposal,
} from "./helpers/governance.js";

const THRESHOLD = 1_000n * 10n ** 8n; // 1,000 PAR
const MARKET_ROLE = keccak256(toHex("MARKET_ROLE"));
const EPOCH = 3_600n;

/** Governance stack plus the pool as PAR's minter; `earn` mints through real work and a claim. */
async function setup() {
  const { viem, networkHelpers } = await network.create();
  const [deployer, multisig, voter, stranger] = await viem.getWalletClients();
  const gov = await deployGovernance(viem, multisig.account.address, THRESHOLD);
  const pool = await viem.deployContract("EmissionPool", [gov.token.address, gov.timelock.address, EPOCH]);
  await gov.token.write.setMinter([pool.address]);
  await pool.write.grantRole([MARKET_ROLE, deployer.account.address]);
  const genesis = await pool.read.genesis();

  /** `voter` works in the current epoch, the epoch closes, `voter` claims (5% cap: ~5,707 PAR). */
  async function earn() {
    const epoch = await pool.read.currentEpoch();
    await pool.write.creditWork([voter.account.address, 1n, 0n, 10n ** 24n]);
    await networkHelpers.time.increaseTo(genesis + (epoch + 1n) * EPOCH);
    while ((await pool.read.nextEpochToClose()) <= epoch) await pool.write.closeEpoch();
    await pool.write.claim([epoch, epoch], { account: voter.account });
    await networkHelpers.time.increase(1);
  }
  const setShareCap = (bps: bigint) => call(pool, "setParameter", [stringToHex("maxShareBps", { size: 32 }), bps]);
  return { viem, networkHelpers, ...gov, pool, deployer, multisig, voter, stranger, earn, setShareCap };
}

describe("Genesis governance", () => {
  it("lets the guardian schedule through the timelock while the voting supply is below the threshold", async () => {
    const { genesisGuardian, timelock, pool, multisig, stranger, networkHelpers, setShareCap } = await setup();
    assert.equal(await genesisGuardian.read.inGenesis(), true);
    const op = setShareCap(1_000n);
    await genesisGuardian.write.schedule([op.target, op.value, op.data, zeroHash, zeroHash, MIN_DELAY], {
      account: multisig.account,
    });
    await networkHelpers.time.increase(Number(MIN_DELAY));
    await timelock.write.execute([op.target, op.value, op.data, zeroHash, zeroHash], { account: stranger.account });
    assert.equal(await pool.read.maxShareBps(), 1_000);
  });

  it("reverts guardian calls from anyone but the guardian (NotGuardian)", async () => {
    const { viem, genesisGuardian, stranger, setShareCap } = await setup();
    const op = setShareCap(1_000n);
    const as = { account: stranger.account };
    await viem.assertions.revertWithCustomErrorWithArgs(
      genesisGuardian.write.schedule([op.target, op.value, op.data, zeroHash, zeroHash, MIN_DELAY], as),
      genesisGuardian,
      "NotGuardian",
      [stranger.account.address],
    );
    await viem.assertions.revertWithCustomError(
      genesisGuardian.write.scheduleBatch([[op.target], [op.value], [op.data], zeroHash, zeroHash, MIN_DELAY], as),
      genesisGuardian,
      "NotGuardian",
    );
    await viem.assertions.revertWithCustomError(genesisGuardian.write.cancel([zeroHash], as), genesisGuardian, "NotGuardian");
  });

  it("stops the guardian from scheduling once the voting supply reaches the threshold (GenesisOver), but lets it cancel", async () => {
    const { viem, genesisGuardian, timelock, token, multisig, earn, setShareCap } = await setup();
    const pending = setShareCap(1_000n);
    const as = { account: multisig.account };
    await genesisGuardian.write.schedule([pending.target, pending.value, pending.data, zeroHash, zeroHash, MIN_DELAY], as);
    await earn();
    const supply = await token.read.totalSupply();
    assert.ok(supply >= THRESHOLD);
    assert.equal(await genesisGuardian.read.inGenesis(), false);
    const op = setShareCap(2_000n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      genesisGuardian.write.schedule([op.target, op.value, op.data, zeroHash, zeroHash, MIN_DELAY], as),
      genesisGuardian,
      "GenesisOver",
      [supply, THRESHOLD],
    );
    await viem.assertions.revertWithCustomError(
      genesisGuardian.write.scheduleBatch([[op.target], [op.value], [op.data], zeroHash, zeroHash, MIN_DELAY], as),
      genesisGuardian,
      "GenesisOver",
    );
    const id = await timelock.read.hashOperation([pending.target, pending.value, pending.data, zeroHash, zeroHash]);
    assert.equal(await timelock.read.isOperationPending([id]), true);
    await genesisGuardian.write.cancel([id], as);
    assert.equal(await timelock.read.isOperation([id]), false);
  });

  it("lets the timelock remove the guardian entirely by revoking its roles", async () => {
    const { viem, genesisGuardian, timelock, multisig, networkHelpers, setShareCap } = await setup();
    const revoke = [PROPOSER_ROLE, CANCELLER_ROLE].map((role) =>
      call(timelock, "revokeRole", [role, genesisGuardian.address]),
    );
    const as = { account: multisig.account };
    const batch = [revoke.map((c) => c.target), revoke.map((c) => c.value), revoke.map((c) => c.data)] as const;
    await genesisGuardian.write.scheduleBatch([...batch, zeroHash, zeroHash, MIN_DELAY], as);
    await networkHelpers.time.increase(Number(MIN_DELAY));
    await timelock.write.executeBatch([...batch, zeroHash, zeroHash]);
    assert.equal(await timelock.read.hasRole([PROPOSER_ROLE, genesisGuardian.address]), false);
    const op = setShareCap(1_000n);
    await viem.assertions.revertWithCustomError(
      genesisGuardian.write.schedule([op.target, op.value, op.data, zeroHash, zeroHash, MIN_DELAY], as),
      timelock,
      "AccessControlUnauthorizedAccount",
    );
    await viem.assertions.revertWithCustomError(
      genesisGuardian.write.cancel([zeroHash], as),
      timelock,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("rejects zero addresses at deployment (ZeroAddress)", async () => {
    const { viem, genesisGuardian, timelock, token } = await setup();
    await viem.assertions.revertWithCustomError(
      viem.deployContract("GenesisGuardian", [timelock.address, token.address, "0x0000000000000000000000000000000000000000", 1n]),
      genesisGuardian,
      "ZeroAddress",
    );
  });

  it("changes a pool parameter through a Governor proposal: propose, vote, queue, execute", async () => {
    const { governor, pool, token, voter, networkHelpers, earn, setShareCap } = await setup();
    await earn();
    await token.write.delegate([voter.account.address], { account: voter.account });
    await networkHelpers.time.increase(1);
    assert.equal(await governor.read.CLOCK_MODE(), "mode=timestamp");
    const id = await passProposal(governor, networkHelpers, voter.account.address, setShareCap(2_500n), "share cap 25%");
    assert.equal(await governor.read.state([id]), 7); // Executed
    assert.equal(await pool.read.maxShareBps(), 2_500);
  });

  it("does not let the Governor or anyone else bypass the timelock on the pool", async () => {
    const { viem, pool, governor, stranger } = await setup();
    const name = stringToHex("maxShareBps", { size: 32 });
    await viem.assertions.revertWithCustomError(
      pool.write.setParameter([name, 1_000n], { account: stranger.account }),
      pool,
      "AccessControlUnauthorizedAccount",
    );
    assert.equal(await pool.read.hasRole([`0x${"00".repeat(32)}`, governor.address]), false);
  });
});
