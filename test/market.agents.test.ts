import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { hashTypedData, keccak256, parseEventLogs, zeroAddress, zeroHash, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { marketDomain, NO_PERMIT, parDomain, REQUEST_TYPES, signPermit, signRequest, type SignedRequest } from "../keepers/src/index.js";
import { deployMarket, PAR, param, type MarketFixture } from "./helpers/market.js";

const INPUT = "0x0102030405060708" as Hex;
const OUTPUT = "0x0a00000000000000f4ffffffffffffff" as Hex;

/** Asserts that `tx` emits the market event `name` with `args`. */
const emits = (f: MarketFixture, tx: Promise<Hex>, name: string, args: unknown[]) =>
  f.viem.assertions.emitWithArgs(tx, f.market, name as never, args as never);

async function withKeeper() {
  const f = await deployMarket();
  await f.register(f.keeperWallets[0], 100n * PAR);
  return f;
}

/** An agent (a fresh key that never holds ETH) funded with `amount` PAR, and a signed request. */
async function agentRequest(f: MarketFixture, over: Partial<SignedRequest> = {}) {
  const agent = privateKeyToAccount(generatePrivateKey());
  const chainId = await f.publicClient.getChainId();
  const req: SignedRequest = {
    requester: agent.address, modelId: 1, items: 1, fee: PAR, deadline: (await f.now()) + 3600, callback: zeroAddress, callbackGas: 0,
    inputHash: keccak256(INPUT), relayerFee: PAR / 10n, nonce: 7n, expiry: (await f.now()) + 600, ...over,
  };
  await f.mint(agent.address, req.fee + req.relayerFee);
  const permit = await signPermit(agent, parDomain(chainId, f.token.address), {
    owner: agent.address, spender: f.market.address,
    value: req.fee + req.relayerFee, nonce: await f.token.read.nonces([agent.address]), deadline: BigInt((await f.now()) + 600),
  });
  return { agent, chainId, req, permit, signature: await signRequest(agent, chainId, f.market.address, req) };
}

describe("TaskMarket postWithPermit", () => {
  it("posts with an EIP-2612 permit in the same call, no approve first", async () => {
    const f = await withKeeper();
    const chainId = await f.publicClient.getChainId();
    const owner = f.requester.account.address;
    await f.mint(owner, 2n * PAR);
    const permit = await signPermit(f.requester, parDomain(chainId, f.token.address), {
      owner, spender: f.market.address, value: 2n * PAR,
      nonce: await f.token.read.nonces([owner]), deadline: BigInt((await f.now()) + 600),
    });
    const params = {
      modelId: 1, items: 1, fee: 2n * PAR, deadline: (await f.now()) + 3600, callback: zeroAddress, callbackGas: 0,
      input: INPUT, inputHash: zeroHash, inputURI: "",
    };
    await f.track(await f.market.write.postWithPermit([params, permit], { account: f.requester.account }));
    assert.equal(await f.balance(f.market.address), 2n * PAR);
    assert.equal(await f.balance(owner), 0n);
    assert.equal(await f.token.read.allowance([owner, f.market.address]), 0n);
    assert.equal(f.book.get(1n)!.requester.toLowerCase(), owner.toLowerCase());
    assert.equal(await f.market.read.statusOf([1n]), 1);
  });

  it("still posts when the permit was front-run (the allowance is there), and reverts without allowance", async () => {
    const f = await withKeeper();
    const chainId = await f.publicClient.getChainId();
    const owner = f.requester.account.address;
    await f.mint(owner, PAR);
    const permit = await signPermit(f.requester, parDomain(chainId, f.token.address), {
      owner, spender: f.market.address, value: PAR,
      nonce: await f.token.read.nonces([owner]), deadline: BigInt((await f.now()) + 600),
    });
    const params = {
      modelId: 1, items: 1, fee: PAR, deadline: (await f.now()) + 3600, callback: zeroAddress, callbackGas: 0,
      input: INPUT, inputHash: zeroHash, inputURI: "",
    };
    // An attacker submits the permit first: the market's own permit call fails and is ignored.
    await f.token.write.permit([owner, f.market.address, PAR, permit.deadline, permit.v, permit.r, permit.s], {
      account: f.stranger.account,
    });
    await f.track(await f.market.write.postWithPermit([params, permit], { account: f.requester.account }));
    assert.equal(await f.balance(f.market.address), PAR);
    // A spent permit and no allowance: the transfer fails with the token's error.
    await f.mint(owner, PAR);
    await f.viem.assertions.revertWithCustomError(
      f.market.write.postWithPermit([params, permit], { account: f.requester.account }),
      f.token,
      "ERC20InsufficientAllowance",
    );
  });
});

describe("TaskMarket postSigned (agents)", () => {
  it("a relayer posts an agent's signed request paid by permit; the agent never holds ETH", async () => {
    const f = await withKeeper();
    const { agent, chainId, req, permit, signature } = await agentRequest(f);
    assert.equal(
      await f.market.read.requestDigest([req]),
      hashTypedData({ domain: marketDomain(chainId, f.market.address), types: REQUEST_TYPES, primaryType: "Request", message: req }),
    );
    const relayer = f.stranger;
    const before = await f.balance(relayer.account.address);
    const hash = await f.market.write.postSigned([req, INPUT, "", signature, permit], { account: relayer.account });
    const receipt = await f.track(hash);
    const [posted] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "TaskPosted" });
    assert.equal(posted.args.requester.toLowerCase(), agent.address.toLowerCase());
    assert.equal(posted.args.inputHash, keccak256(INPUT));
    assert.equal(posted.args.fee, PAR);
    assert.equal(await f.balance(f.market.address), PAR);
    assert.equal(await f.balance(relayer.account.address) - before, PAR / 10n);
    assert.equal(await f.balance(agent.address), 0n);
    assert.equal(await f.publicClient.getBalance({ address: agent.address }), 0n);
    assert.equal(await f.market.read.nonceUsed([agent.address, 7n]), true);
    assert.equal(await f.market.read.nonceUsed([agent.address, 8n]), false);
    // The agent's task is an ordinary task: it runs to the end and an expiry would refund the agent.
    const id = posted.args.id;
    await f.claimAsAssignee(id);
    await f.submit(id, OUTPUT);
    await f.networkHelpers.time.increase(600);
    await f.finalize([id]);
    assert.equal(await f.market.read.statusOf([id]), 0);
  });

  it("takes a large input by hash and URI, and uses an existing allowance when no permit is given", async () => {
    const f = await withKeeper();
    const agent = privateKeyToAccount(generatePrivateKey());
    const chainId = await f.publicClient.getChainId();
    const inputHash = keccak256("0xdeadbeef");
    const req: SignedRequest = {
      requester: agent.address, modelId: 1, items: 1, fee: PAR, deadline: (await f.now()) + 3600, callback: zeroAddress, callbackGas: 0,
      inputHash, relayerFee: 0n, nonce: 1n, expiry: (await f.now()) + 600,
    };
    await f.mint(agent.address, PAR);
    const permit = await signPermit(agent, parDomain(chainId, f.token.address), {
      owner: agent.address, spender: f.market.address, value: PAR,
      nonce: 0n, deadline: BigInt((await f.now()) + 600),
    });
    await f.token.write.permit([agent.address, f.market.address, PAR, permit.deadline, permit.v, permit.r, permit.s]);
    const signature = await signRequest(agent, chainId, f.market.address, req);
    const receipt = await f.track(
      await f.market.write.postSigned([req, "0x", "ipfs://input", signature, NO_PERMIT], { account: f.stranger.account }),
    );
    const [posted] = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "TaskPosted" });
    assert.equal(posted.args.inputHash, inputHash);
    assert.equal(posted.args.inputURI, "ipfs://input");
    assert.equal(await f.balance(f.market.address), PAR);
  });

  it("reverts NonceUsed on a replayed request", async () => {
    const f = await withKeeper();
    const { agent, req, permit, signature } = await agentRequest(f);
    await f.market.write.postSigned([req, INPUT, "", signature, permit], { account: f.stranger.account });
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.postSigned([req, INPUT, "", signature, permit], { account: f.stranger.account }),
      f.market,
      "NonceUsed",
      [agent.address, 7n],
    );
  });

  it("reverts InvalidSignature for a tampered request or another signer", async () => {
    const f = await withKeeper();
    const { agent, chainId, req, permit, signature } = await agentRequest(f);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.postSigned([{ ...req, relayerFee: PAR }, INPUT, "", signature, permit], { account: f.stranger.account }),
      f.market,
      "InvalidSignature",
      [agent.address],
    );
    const other = privateKeyToAccount(generatePrivateKey());
    const forged = await signRequest(other, chainId, f.market.address, req);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.postSigned([req, INPUT, "", forged, permit], { account: f.stranger.account }),
      f.market,
      "InvalidSignature",
      [agent.address],
    );
  });

  it("reverts RequestExpired after the expiry", async () => {
    const f = await withKeeper();
    const { req, permit, signature } = await agentRequest(f);
    await f.networkHelpers.time.increaseTo(req.expiry + 1);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.postSigned([req, INPUT, "", signature, permit], { account: f.stranger.account }),
      f.market,
      "RequestExpired",
      [BigInt(req.expiry)],
    );
  });

  it("reverts InputHashMismatch when the inline input is not the signed one", async () => {
    const f = await withKeeper();
    const { req, permit, signature } = await agentRequest(f);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.postSigned([req, "0x0102", "", signature, permit], { account: f.stranger.account }),
      f.market,
      "InputHashMismatch",
      [req.inputHash],
    );
  });
});

describe("TaskMarket deposits", () => {
  const params = async (f: MarketFixture, fee: bigint) => ({
    modelId: 1, items: 1, fee, deadline: (await f.now()) + 3600, callback: zeroAddress, callbackGas: 0, input: INPUT, inputHash: zeroHash, inputURI: "",
  });

  it("pays fees from a prepaid deposit without an allowance, and withdraws the rest", async () => {
    const f = await withKeeper();
    const owner = f.requester.account.address;
    await f.mint(owner, 5n * PAR);
    await f.token.write.approve([f.market.address, 5n * PAR], { account: f.requester.account });
    await emits(f, f.market.write.deposit([owner, 5n * PAR], { account: f.requester.account }), "Deposited", [owner, owner, 5n * PAR]);
    assert.equal(await f.token.read.allowance([owner, f.market.address]), 0n);
    await f.track(await f.market.write.post([await params(f, 2n * PAR)], { account: f.requester.account }));
    await f.track(await f.market.write.postBatch([[await params(f, PAR), await params(f, PAR)]], { account: f.requester.account }));
    assert.equal(await f.market.read.depositOf([owner]), PAR);
    assert.equal(await f.balance(f.market.address), 5n * PAR); // 4 PAR escrowed by three tasks + 1 PAR deposit
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.market.write.withdrawDeposit([2n * PAR], { account: f.requester.account }), f.market, "InsufficientDeposit",
      [owner, PAR, 2n * PAR],
    );
    await emits(f, f.market.write.withdrawDeposit([PAR], { account: f.requester.account }), "DepositWithdrawn", [owner, PAR]);
    assert.equal(await f.balance(owner), PAR);
    assert.equal(await f.market.read.depositOf([owner]), 0n);
    // An expired task refunds the requester's wallet, like any task.
    await f.networkHelpers.time.increase(3601);
    const t = f.book.get(1n)!;
    await f.market.write.expire([[1n], [t]]);
    assert.equal(await f.balance(owner), 3n * PAR);
  });

  it("pulls the whole fee by transferFrom when the deposit does not cover it", async () => {
    const f = await withKeeper();
    const owner = f.requester.account.address;
    await f.mint(owner, 3n * PAR);
    await f.token.write.approve([f.market.address, 3n * PAR], { account: f.requester.account });
    await f.market.write.deposit([owner, PAR], { account: f.requester.account });
    await f.track(await f.market.write.post([await params(f, 2n * PAR)], { account: f.requester.account }));
    assert.equal(await f.market.read.depositOf([owner]), PAR); // untouched
    assert.equal(await f.balance(owner), 0n);
    assert.equal(await f.balance(f.market.address), 3n * PAR);
  });

  it("funds an agent's deposit by permit; a relayer posts its signed request paid from the deposit", async () => {
    const f = await withKeeper();
    const chainId = await f.publicClient.getChainId();
    const funder = f.requester;
    const { agent, req, signature } = await agentRequest(f);
    await f.mint(funder.account.address, req.fee + req.relayerFee);
    const permit = await signPermit(funder, parDomain(chainId, f.token.address), {
      owner: funder.account.address, spender: f.market.address,
      value: req.fee + req.relayerFee, nonce: await f.token.read.nonces([funder.account.address]),
      deadline: BigInt((await f.now()) + 600),
    });
    await f.market.write.depositWithPermit([agent.address, req.fee + req.relayerFee, permit], { account: funder.account });
    const agentWallet = await f.balance(agent.address); // minted by agentRequest, untouched
    await f.track(await f.market.write.postSigned([req, INPUT, "", signature, NO_PERMIT], { account: f.stranger.account }));
    assert.equal(await f.market.read.depositOf([agent.address]), 0n);
    assert.equal(await f.balance(agent.address), agentWallet);
  });

  it("reverts ZeroAddress for a deposit to the zero address", async () => {
    const f = await withKeeper();
    await f.viem.assertions.revertWithCustomError(
      f.market.write.deposit([zeroAddress, PAR], { account: f.requester.account }), f.market, "ZeroAddress",
    );
  });
});
