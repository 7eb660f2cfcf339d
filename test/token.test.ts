import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { network } from "hardhat";
import { zeroAddress, zeroHash } from "viem";
import { MIN_DELAY, call, deployGovernance, passProposal } from "./helpers/governance.js";
import { parDomain, signPermit } from "../keepers/src/index.js";

const CAP = 8_000_000_000n * 10n ** 8n;

/** PAR governed by a test account that is also the minter, as in unit tests of other contracts. */
async function direct() {
  const { viem, networkHelpers } = await network.create();
  const [gov, holder, spender, stranger] = await viem.getWalletClients();
  const token = await viem.deployContract("ParadigmToken", [gov.account.address]);
  await token.write.setMinter([gov.account.address]);
  return { viem, networkHelpers, token, gov, holder, spender, stranger };
}

describe("ParadigmToken", () => {
  it("starts with 8 decimals, the 8e17 cap and zero supply", async () => {
    const { viem } = await network.create();
    const [gov] = await viem.getWalletClients();
    const token = await viem.deployContract("ParadigmToken", [gov.account.address]);
    assert.equal(await token.read.decimals(), 8);
    assert.equal(await token.read.cap(), CAP);
    assert.equal(await token.read.totalSupply(), 0n);
    assert.equal(await token.read.minter(), zeroAddress);
    assert.deepEqual([await token.read.name(), await token.read.symbol()], ["Paradigm", "PAR"]);
  });

  it("lets only the minter mint (NotMinter)", async () => {
    const { viem, token, holder, stranger } = await direct();
    await token.write.mint([holder.account.address, 5n]);
    assert.equal(await token.read.balanceOf([holder.account.address]), 5n);
    await viem.assertions.revertWithCustomErrorWithArgs(
      token.write.mint([stranger.account.address, 1n], { account: stranger.account }),
      token,
      "NotMinter",
      [stranger.account.address],
    );
  });

  it("reverts a mint past the cap (CapExceeded)", async () => {
    const { viem, token, holder } = await direct();
    await token.write.mint([holder.account.address, CAP]);
    await viem.assertions.revertWithCustomErrorWithArgs(token.write.mint([holder.account.address, 1n]), token, "CapExceeded", [
      CAP + 1n,
      CAP,
    ]);
  });

  it("assigns the minter once, only from the deployer, never zero (MinterAlreadySet, InvalidMinter)", async () => {
    const { viem } = await network.create();
    const [gov, other] = await viem.getWalletClients();
    const token = await viem.deployContract("ParadigmToken", [gov.account.address]);
    await viem.assertions.revertWithCustomError(
      token.write.setMinter([other.account.address], { account: other.account }),
      token,
      "MinterAlreadySet",
    );
    await viem.assertions.revertWithCustomError(token.write.setMinter([zeroAddress]), token, "InvalidMinter");
    await viem.assertions.emitWithArgs(token.write.setMinter([gov.account.address]), token, "MinterSet", [
      gov.account.address,
    ]);
    await viem.assertions.revertWithCustomErrorWithArgs(token.write.setMinter([other.account.address]), token, "MinterAlreadySet", [
      gov.account.address,
    ]);
  });

  it("sets an allowance from an EIP-2612 permit signed with signTypedData", async () => {
    const { viem, token, holder, spender } = await direct();
    const publicClient = await viem.getPublicClient();
    const deadline = BigInt((await publicClient.getBlock()).timestamp) + 3_600n;
    const value = 123n * 10n ** 8n;
    const { v, r, s } = await signPermit(holder, parDomain(await publicClient.getChainId(), token.address), {
      owner: holder.account.address,
      spender: spender.account.address,
      value,
      nonce: 0n,
      deadline,
    });
    await token.write.permit([holder.account.address, spender.account.address, value, deadline, v, r, s], {
      account: spender.account,
    });
    assert.equal(await token.read.allowance([holder.account.address, spender.account.address]), value);
    assert.equal(await token.read.nonces([holder.account.address]), 1n);
    await viem.assertions.revertWithCustomError(
      token.write.permit([holder.account.address, spender.account.address, value, deadline, v, r, s]),
      token,
      "ERC2612InvalidSigner",
    );
  });

  describe("cap raise", () => {
    it("raises the cap by at most capGrowthMaxBps, only upward (InvalidCapRaise)", async () => {
      const { viem, token } = await direct();
      const max = CAP + (CAP * 200n) / 10_000n;
      await viem.assertions.revertWithCustomErrorWithArgs(token.write.raiseCap([max + 1n]), token, "InvalidCapRaise", [
        max + 1n,
        CAP,
        max,
      ]);
      await viem.assertions.revertWithCustomError(token.write.raiseCap([CAP]), token, "InvalidCapRaise");
      await viem.assertions.emitWithArgs(token.write.raiseCap([max]), token, "CapRaised", [CAP, max]);
      assert.equal(await token.read.cap(), max);
    });

    it("allows one raise per 365 days (CapRaiseTooSoon)", async () => {
      const { viem, networkHelpers, token } = await direct();
      await token.write.raiseCap([CAP + 1n]);
      const next = BigInt(await token.read.lastCapRaise()) + 365n * 86_400n;
      await viem.assertions.revertWithCustomErrorWithArgs(token.write.raiseCap([CAP + 2n]), token, "CapRaiseTooSoon", [next]);
      await networkHelpers.time.increaseTo(next);
      await token.write.raiseCap([CAP + 2n]);
      assert.equal(await token.read.cap(), CAP + 2n);
    });

    it("lets only governance raise the cap or its bound (NotGovernance, CapGrowthOutOfBounds)", async () => {
      const { viem, token, stranger } = await direct();
      const as = { account: stranger.account };
      await viem.assertions.revertWithCustomErrorWithArgs(token.write.raiseCap([CAP + 1n], as), token, "NotGovernance", [
        stranger.account.address,
      ]);
      await viem.assertions.revertWithCustomError(token.write.setCapGrowthMaxBps([100], as), token, "NotGovernance");
      await viem.assertions.revertWithCustomErrorWithArgs(token.write.setCapGrowthMaxBps([1_001]), token, "CapGrowthOutOfBounds", [
        1_001,
        1_000,
      ]);
      await viem.assertions.emitWithArgs(token.write.setCapGrowthMaxBps([1_000]), token, "CapGrowthMaxBpsSet", [200, 1_000]);
    });

    it("raises the cap through a scheduled and executed timelock operation", async () => {
      const { viem, networkHelpers } = await network.create();
      const [, multisig] = await viem.getWalletClients();
      const { token, timelock, genesisGuardian } = await deployGovernance(viem, multisig.account.address, 1n);
      const op = call(token, "raiseCap", [CAP + 10n ** 8n]);
      await genesisGuardian.write.schedule([op.target, op.value, op.data, zeroHash, zeroHash, MIN_DELAY], {
        account: multisig.account,
      });
      await viem.assertions.revertWithCustomError(
        timelock.write.execute([op.target, op.value, op.data, zeroHash, zeroHash]),
        timelock,
        "TimelockUnexpectedOperationState",
      );
      await networkHelpers.time.increase(Number(MIN_DELAY));
      await timelock.write.execute([op.target, op.value, op.data, zeroHash, zeroHash]);
      assert.equal(await token.read.cap(), CAP + 10n ** 8n);
    });

    it("raises the cap through a Governor proposal once votes exist", async () => {
      const { viem, networkHelpers } = await network.create();
      const [deployer, multisig, voter] = await viem.getWalletClients();
      const { token, governor } = await deployGovernance(viem, multisig.account.address, 1n);
      await token.write.setMinter([deployer.account.address]); // stands in for the pool
      await token.write.mint([voter.account.address, 10n ** 12n]);
      await token.write.delegate([voter.account.address], { account: voter.account });
      await networkHelpers.time.increase(1);
      const newCap = CAP + (CAP * 200n) / 10_000n;
      await passProposal(governor, networkHelpers, voter.account.address, call(token, "raiseCap", [newCap]), "raise cap 2%");
      assert.equal(await token.read.cap(), newCap);
    });
  });
});
