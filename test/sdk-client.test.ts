import assert from "node:assert/strict";
import type { Server } from "node:http";
import { network } from "hardhat";
import { createWalletClient, getContract, http, toHex, zeroAddress, zeroHash, type Hex } from "viem";
import { nonceManager, privateKeyToAccount } from "viem/accounts";
import { paradigmTokenAbi, taskMarketAbi } from "../keepers/src/abi/index.js";
import { chainFor, GAS_HEADROOM } from "../keepers/src/chain/client.js";
import { postTask } from "../keepers/src/chain/requester.js";
import { sampleBundle } from "../keepers/src/samples.js";
import { param } from "./helpers/market.js";
import { clientsFor, deploySdkChain, fundedKey, serveRpc, type Connection, type SdkChain } from "./helpers/sdk-chain.js";

const PAR = 10n ** 8n;

describe("SDK client: transactions in flight and gas", function () {
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

  it("one send that reverts in its estimate leaves the account's other sends in flight alone (viem alone: 'nonce higher than expected')", async () => {
    const to = "0x000000000000000000000000000000000000dEaD";
    const amounts = [1n, 100n * PAR, 2n, 3n, 100n * PAR, 4n]; // the 100 PAR transfers revert: the account holds 10
    const burst = (transfer: (amount: bigint) => Promise<Hex>, c: { publicClient: typeof sdk.publicClient }) =>
      Promise.allSettled(amounts.map((a) => transfer(a).then((hash) => c.publicClient.waitForTransactionReceipt({ hash, timeout: 10_000 }))));
    const outcome = (rs: PromiseSettledResult<{ status: string }>[]) => rs.map((r) => (r.status === "fulfilled" ? r.value.status : (r.reason as Error).message.split("\n")[0]));

    // viem's own order (nonce first, estimate after), on an account with viem's nonce manager
    const sdk = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const key = await fundedKey(conn, fx, 10n * PAR);
    const bare = getContract({
      address: fx.book.contracts.ParadigmToken,
      abi: paradigmTokenAbi,
      client: createWalletClient({ chain: chainFor(fx.book.chainId, url), transport: http(url), account: privateKeyToAccount(key, { nonceManager }) }),
    });
    const viemOnly = outcome(await burst((a) => bare.write.transfer([to, a]), sdk));
    assert.ok(viemOnly.some((o) => /nonce .*higher than/i.test(o)), `a valid transfer should have been refused for its nonce: ${viemOnly.join(" | ")}`);

    const balance = await fx.token.read.balanceOf([sdk.account!.address]);
    const tx = { account: sdk.account!, chain: sdk.walletClient!.chain };
    const results = outcome(await burst((a) => sdk.contracts.token.write.transfer([to, a], tx), sdk));
    assert.deepEqual(results.map((r) => (r === "success" ? r : /reverted/.test(r) ? "reverted" : r)), ["success", "reverted", "success", "success", "reverted", "success"]);
    assert.equal(await fx.token.read.balanceOf([sdk.account!.address]), balance - 10n);
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
    assert.equal(padded, (exact * GAS_HEADROOM.num) / GAS_HEADROOM.den);

    await conn.provider.request({ method: "evm_increaseTime", params: [61] }); // the window rolls over
    await assert.rejects(bare.writeContract({ ...call, gas: exact }), /out of gas/i);
    const hash: Hex = await bare.writeContract({ ...call, gas: padded });
    const receipt = await sdk.publicClient.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    assert.ok(receipt.gasUsed > exact, `the rolled-over post used ${receipt.gasUsed} gas, more than the ${exact} estimated before`);
  });
});
