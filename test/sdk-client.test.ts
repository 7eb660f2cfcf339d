import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import { createWalletClient, getContract, http, keccak256, toHex, zeroAddress, zeroHash, type Hex } from "viem";
import { nonceManager, privateKeyToAccount } from "viem/accounts";
import { paradigmTokenAbi, taskMarketAbi } from "../keepers/src/abi.js";
import { chainFor, withHeadroom } from "../keepers/src/chain/client.js";
import { expireTasks, finalizeTasks, postTask } from "../keepers/src/chain/requester.js";
import { createTaskBook } from "../keepers/src/chain/taskbook.js";
import { loadSession, runBundle } from "../keepers/src/inference.js";
import { MODELS } from "../keepers/src/models.js";
import { sampleBundle } from "../keepers/src/samples.js";
import { param } from "./helpers/market.js";
import { clientsFor, deploySdkChain, fundedKey, registerKeeper, serveRpc, type Connection, type SdkChain } from "./helpers/sdk-chain.js";

const PAR = 10n ** 8n;

describe("SDK client: transactions in flight, gas, the task book", function () {
  this.timeout(60_000);
  let conn: Connection;
  let fx: SdkChain;
  let url: string;
  let server: Server;

  before(async () => {
    conn = await network.create();
    fx = await deploySdkChain(conn);
    ({ url, server } = await serveRpc(conn));
    await fx.market.write.setParameter([param("zeroFeePeriod"), 60n]);
  });
  after(() => server.close());

  const to = "0x000000000000000000000000000000000000dEaD";
  /** Transfers sent side by side from one account; each one's receipt status or error. */
  const burst = async (amounts: bigint[], transfer: (amount: bigint) => Promise<Hex>) => {
    const chain = await conn.viem.getPublicClient();
    const rs = await Promise.allSettled(amounts.map((a) => transfer(a).then((hash) => chain.waitForTransactionReceipt({ hash, timeout: 10_000 }))));
    return rs.map((r) => (r.status === "fulfilled" ? r.value.status : (r.reason as Error).message.split("\n")[0]));
  };
  /** The token, written through a bare viem wallet with viem's nonce manager (nonce first, estimate after, sent side by side). */
  const bareToken = (rpc: string, key: Hex) =>
    getContract({
      address: fx.book.contracts.ParadigmToken,
      abi: paradigmTokenAbi,
      client: createWalletClient({ chain: chainFor(fx.book.chainId, rpc), transport: http(rpc), account: privateKeyToAccount(key, { nonceManager }) }),
    });

  it("one send that reverts in its estimate leaves the account's other sends in flight alone (viem alone: 'nonce higher than expected')", async () => {
    const amounts = [1n, 100n * PAR, 2n, 3n, 100n * PAR, 4n]; // the 100 PAR transfers revert: the account holds 10
    const sdk = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const bare = bareToken(url, await fundedKey(conn, fx, 10n * PAR));
    const viemOnly = await burst(amounts, (a) => bare.write.transfer([to, a]));
    assert.ok(viemOnly.some((o) => /nonce .*higher than/i.test(o)), `a valid transfer should have been refused for its nonce: ${viemOnly.join(" | ")}`);

    const balance = await fx.token.read.balanceOf([sdk.account!.address]);
    const tx = { account: sdk.account!, chain: sdk.walletClient!.chain };
    const results = await burst(amounts, (a) => sdk.contracts.token.write.transfer([to, a], tx));
    assert.deepEqual(results.map((r) => (r === "success" ? r : /reverted/.test(r) ? "reverted" : r)), ["success", "reverted", "success", "success", "reverted", "success"]);
    assert.equal(await fx.token.read.balanceOf([sdk.account!.address]), balance - 10n);
  });

  it("sends reach the node in nonce order when an earlier one's request is slow (viem alone: the later ones are refused for their nonce)", async () => {
    let slowNext = false; // holds the next eth_sendRawTransaction back 300 ms, as a slow connection would
    const slow = await serveRpc(conn, {
      intercept: async (req) => {
        if (req.method !== "eth_sendRawTransaction" || !slowNext) return;
        slowNext = false;
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    try {
      const amounts = [1n, 2n, 3n, 4n];
      const bare = bareToken(slow.url, await fundedKey(conn, fx, 10n * PAR));
      slowNext = true;
      const viemOnly = await burst(amounts, (a) => bare.write.transfer([to, a]));
      assert.ok(viemOnly.some((o) => /nonce .*higher than/i.test(o)), `a later nonce should have arrived first and been refused: ${viemOnly.join(" | ")}`);

      const sdk = clientsFor(slow.url, fx.book, await fundedKey(conn, fx, 10n * PAR));
      slowNext = true;
      const results = await burst(amounts, (a) => sdk.contracts.token.write.transfer([to, a], { account: sdk.account!, chain: sdk.walletClient!.chain }));
      assert.deepEqual(results, ["success", "success", "success", "success"]);
      assert.equal(await fx.token.read.balanceOf([sdk.account!.address]), 10n * PAR - 10n);
    } finally {
      slow.server.close();
    }
  });

  it("task book: syncs called together apply each block once, in order (the second sees only what is newer)", async () => {
    const sdk = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const from = await sdk.publicClient.getBlockNumber();
    const book = createTaskBook(sdk, { fromBlock: from + 1n, chunk: 1n }); // one block per request: many awaits to interleave at
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await postTask(sdk, fx.modelIds.mlp, sampleBundle("mlp", 1, i + 1), { fee: PAR / 100n }));
    const [first, second] = await Promise.all([book.sync(), book.sync()]);
    assert.deepEqual([...first].sort(), [...ids].sort());
    assert.equal(second.size, 0);
    const id = await postTask(sdk, fx.modelIds.mlp, sampleBundle("mlp", 1, 9), { fee: PAR / 100n });
    const [third, fourth] = await Promise.all([book.sync(), book.sync()]);
    assert.deepEqual([...third, ...fourth], [id]);
    assert.equal(book.head, await sdk.publicClient.getBlockNumber());
  });

  it("task book: a reorg that replaces the last block it applied makes it rebuild, and a reused task id then holds the new task", async () => {
    const sdk = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const other = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR)); // posts on the new chain (sdk's nonce manager remembers the old one)
    const book = createTaskBook(sdk, { fromBlock: await sdk.publicClient.getBlockNumber() });
    await book.sync();
    const snapshot = await conn.provider.request({ method: "evm_snapshot", params: [] });
    const a = sampleBundle("mlp", 1, 1);
    const id = await postTask(sdk, fx.modelIds.mlp, a, { fee: PAR / 100n });
    await book.sync();
    assert.equal(book.tasks.get(id)!.input, toHex(a));
    await conn.provider.request({ method: "evm_revert", params: [snapshot] });
    const b = sampleBundle("mlp", 1, 2);
    assert.equal(await postTask(other, fx.modelIds.mlp, b, { fee: PAR / 100n }), id, "the id is reused on the new chain");
    const changed = await book.sync();
    assert.equal(book.rebuilds, 1);
    assert.ok(changed.has(id));
    assert.equal(book.tasks.get(id)!.input, toHex(b));
    assert.equal(book.tasks.size, 1);
    await book.sync();
    assert.equal(book.rebuilds, 1, "no rebuild without a reorg");
  });

  it("task book: with dropClosed it forgets a task once it closes (a keeper's memory follows the open tasks)", async () => {
    const sdk = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const fromBlock = await sdk.publicClient.getBlockNumber();
    const [keeping, dropping] = [createTaskBook(sdk, { fromBlock }), createTaskBook(sdk, { fromBlock, dropClosed: true })];
    const ids = [];
    for (let i = 0; i < 2; i++) ids.push(await postTask(sdk, fx.modelIds.mlp, sampleBundle("mlp", 1, 40 + i), { fee: PAR / 100n, ttl: 60 }));
    await Promise.all([keeping.sync(), dropping.sync()]);
    assert.deepEqual([...dropping.tasks.keys()], ids);
    await conn.networkHelpers.time.increase(61);
    await expireTasks(sdk, [keeping.tasks.get(ids[0])!]);
    const [changedKeeping, changedDropping] = await Promise.all([keeping.sync(), dropping.sync()]);
    assert.equal(keeping.tasks.get(ids[0])!.phase, "Expired");
    assert.deepEqual([...dropping.tasks.keys()], [ids[1]], "the expired task is forgotten, the open one kept");
    assert.ok(changedKeeping.has(ids[0]) && changedDropping.has(ids[0]), "both report it as changed");
  });

  it("finalizes a task with a callback whose result was given by URI: the output is fetched, checked and sent along", async () => {
    const input = sampleBundle("mlp", 2, 60);
    const { session } = await loadSession(MODELS.mlp.bytes());
    const output = (await runBundle(session, MODELS.mlp, input)).canonical;
    const server = createServer((_req, res) => res.end(output));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
      const keeper = clientsFor(url, fx.book, await fundedKey(conn, fx, 60n * PAR));
      await registerKeeper(keeper, [fx.modelIds.mlp], 50n * PAR);
      const fromBlock = await requester.publicClient.getBlockNumber();
      const callback = privateKeyToAccount(await fundedKey(conn, fx, 0n)).address; // the output must go along to any callback
      const id = await postTask(requester, fx.modelIds.mlp, input, { fee: PAR / 100n, callback, callbackGas: 50_000 });
      const book = createTaskBook(requester, { fromBlock });
      await book.sync();
      await conn.networkHelpers.time.increase(3); // past the exclusive window
      const tx = { account: keeper.account!, chain: keeper.walletClient!.chain };
      await keeper.publicClient.waitForTransactionReceipt({ hash: await keeper.contracts.market.write.claim([id, book.tasks.get(id)!.task], tx) });
      await book.sync();
      const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/out`;
      await keeper.publicClient.waitForTransactionReceipt({ hash: await keeper.contracts.market.write.submitHash([id, book.tasks.get(id)!.task, keccak256(output), uri], tx) });
      await book.sync();
      assert.equal(book.tasks.get(id)!.output, "0x");
      await conn.networkHelpers.time.increase(60);
      await finalizeTasks(requester, [book.tasks.get(id)!]);
      await book.sync();
      assert.equal(book.tasks.get(id)!.phase, "Finalized");
    } finally {
      server.close();
    }
  });

  it("a zero-fee post estimated inside the window and mined after it rolls over: the exact estimate runs out of gas, the SDK's does not", async () => {
    const key = await fundedKey(conn, fx, PAR);
    const sdk = clientsFor(url, fx.book, key);
    const modelId = fx.modelIds.mlp;
    await postTask(sdk, modelId, sampleBundle("mlp", 4, 1), { fee: 0n }); // opens this requester's zero-fee window

    const now = (await sdk.publicClient.getBlock()).timestamp;
    const p = {
      modelId,
      items: 1,
      fee: 0n,
      deadline: Number(now) + 600,
      callback: zeroAddress,
      callbackGas: 0,
      input: toHex(sampleBundle("mlp", 4, 2)),
      inputHash: zeroHash,
      inputURI: "",
    };
    const call = { address: fx.book.contracts.TaskMarket, abi: taskMarketAbi, functionName: "post", args: [p] } as const;
    const account = privateKeyToAccount(key);
    const bare = createWalletClient({ chain: chainFor(fx.book.chainId, url), transport: http(url), account });
    const exact = await (await conn.viem.getPublicClient()).estimateContractGas({ ...call, account });
    const padded = await sdk.publicClient.estimateContractGas({ ...call, account });
    assert.equal(padded, withHeadroom(exact));

    await conn.provider.request({ method: "evm_increaseTime", params: [61] }); // the window rolls over
    await assert.rejects(bare.writeContract({ ...call, gas: exact }), /out of gas/i);
    const hash: Hex = await bare.writeContract({ ...call, gas: padded });
    const receipt = await sdk.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.ok(receipt.gasUsed > exact, `the rolled-over post used ${receipt.gasUsed} gas, more than the ${exact} estimated before`);
  });

  it("a finalize estimated in one epoch and mined in the next (the keeper's earlier work is settled first): the exact estimate runs out of gas, the SDK's does not", async () => {
    const keeperKey = await fundedKey(conn, fx, 1000n * PAR);
    const keeper = clientsFor(url, fx.book, keeperKey);
    await registerKeeper(keeper, [fx.modelIds.mlp], 900n * PAR);
    const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const bundles = [1, 2].map((seed) => sampleBundle("mlp", 4, seed));
    const ids = [];
    for (const b of bundles) ids.push(await postTask(requester, fx.modelIds.mlp, b, { fee: PAR / 10n }));
    const wait = (hash: Hex) => keeper.publicClient.waitForTransactionReceipt({ hash });
    const tx = { account: keeper.account!, chain: keeper.walletClient!.chain };
    const time = async (s: bigint) => conn.provider.request({ method: "evm_increaseTime", params: [Number(s) + 1] });
    const book = createTaskBook(keeper, { fromBlock: 0n });
    const task = async (id: bigint) => (await book.sync(), book.tasks.get(id)!);
    await time(await fx.market.read.assignWindow());
    await wait(await keeper.contracts.market.write.claimBatch([ids, await Promise.all(ids.map(async (id) => (await task(id)).task))], tx));
    const { session } = await loadSession(MODELS.mlp.bytes());
    const outputs = await Promise.all(bundles.map(async (b) => toHex((await runBundle(session, MODELS.mlp, b)).canonical)));
    await wait(await keeper.contracts.market.write.submitBatch([ids, await Promise.all(ids.map(async (id) => (await task(id)).task)), outputs], tx));
    await time(await fx.market.read.challengeWindow());
    await finalizeTasks(keeper, [await task(ids[0])]); // work credited in this epoch

    const second = await task(ids[1]);
    const call = { address: fx.book.contracts.TaskMarket, abi: taskMarketAbi, functionName: "finalize", args: [[second.id], [second.task], []] } as const;
    const exact = await (await conn.viem.getPublicClient()).estimateContractGas({ ...call, account: keeper.account! });
    const padded = await keeper.publicClient.estimateContractGas({ ...call, account: keeper.account! });
    await time(await fx.pool.read.epochLength()); // the next epoch: this finalize settles the first's work in the pool
    const bare = createWalletClient({ chain: chainFor(fx.book.chainId, url), transport: http(url), account: privateKeyToAccount(keeperKey) });
    await assert.rejects(bare.writeContract({ ...call, gas: exact }), /out of gas/i);
    const receipt = await wait(await bare.writeContract({ ...call, gas: padded }));
    assert.equal(receipt.status, "success");
    assert.ok(receipt.gasUsed > (exact * 6n) / 5n, `the finalize used ${receipt.gasUsed} gas, ${exact} estimated in the epoch before: more than ×1.2`);
  });
});
