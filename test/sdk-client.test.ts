import assert from "node:assert/strict";
import type { Server } from "node:http";
import { network } from "hardhat";
import { createWalletClient, http, toHex, zeroAddress, zeroHash, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { taskMarketAbi } from "../keepers/src/abi/index.js";
import { chainFor, GAS_HEADROOM } from "../keepers/src/chain/client.js";
import { postTask } from "../keepers/src/chain/requester.js";
import { sampleBundle } from "../keepers/src/samples.js";
import { param } from "./helpers/market.js";
import { clientsFor, deploySdkChain, fundedKey, serveRpc, type Connection, type SdkChain } from "./helpers/sdk-chain.js";

const PAR = 10n ** 8n;

describe("SDK client: gas estimates get headroom for the block that includes the transaction", function () {
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
