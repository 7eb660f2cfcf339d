import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { BaseError, ContractFunctionRevertedError, keccak256, parseEventLogs, toHex, type Hex } from "viem";
import { deployMarket, modelSpec, PAR, param } from "./helpers/market.js";

/**
 * The callback gas the requester asks for (maxCallbackGas is raised to allow it: a consumer that
 * works through a large output needs more than the default 500,000). It also puts the callback
 * check above the calldata floor (EIP-7623): at the lowest gas limit the floor allows, finalize
 * would have ~6 gas of execution per zero byte of output to spare, more than a 500,000-gas
 * callback needs at this size.
 */
const CALLBACK_GAS = 1_000_000;
/** The consumer needs all but ~1,000 of it: it burns CALLBACK_GAS - 1,000 from its first opcode. */
const BURN = CALLBACK_GAS - 1_000;
/** 16,384 frames of int64 (128 KiB): copying it into the call data costs the market ~12,300 gas. */
const FRAMES = 16_384;
const OUTPUT_BYTES = FRAMES * 8;
/** Above anything finalize needs here, under the 2^24 per-transaction gas cap (EIP-7825). */
const GAS_CEILING = 16_000_000n;

/**
 * An honest, canonical output of a voice-activity model: one little-endian int64 a frame, 1.0
 * (10,000 at 4 decimals) where a fixed LCG says speech, else 0.
 */
function vadTrack(frames: number): Hex {
  const bytes = new Uint8Array(frames * 8);
  const view = new DataView(bytes.buffer);
  let x = 0x2545f491n;
  for (let i = 0; i < frames; i++) {
    x = (x * 6364136223846793005n + 1442695040888963407n) & 0xffffffffffffffffn;
    view.setBigInt64(i * 8, x >> 62n === 0n ? 10_000n : 0n, true);
  }
  return toHex(bytes);
}

type Trial =
  | { gas: bigint; mined: false; error: string }
  | { gas: bigint; mined: true; callbackOk: boolean; recordedHash: Hex; recordedLength: bigint };

/** The custom error's name (or the first line of the message) of a failed write. */
function errorName(e: unknown): string {
  const reverted = e instanceof BaseError ? e.walk((x) => x instanceof ContractFunctionRevertedError) : null;
  if (reverted instanceof ContractFunctionRevertedError && reverted.data?.errorName) return reverted.data.errorName;
  return (e instanceof BaseError ? e.shortMessage : String(e)).split("\n")[0];
}

describe("Security: callbacks", () => {
  it("no transaction gas limit lets a finalizer starve a callback through a large output's memory cost: every finalize that succeeds delivers the whole 128 KiB output to a callback that needs nearly all its callbackGas", async () => {
    const f = await deployMarket(undefined, {
      models: [
        { ...modelSpec(100, keccak256(toHex("vad-long"))), maxOutputBytes: OUTPUT_BYTES },
        modelSpec(10, keccak256(toHex("policy"))),
      ],
    });
    await f.market.write.setParameter([param("maxCallbackGas"), BigInt(CALLBACK_GAS)]);
    await f.register(f.keeperWallets[0], 100n * PAR);
    const consumer = await f.viem.deployContract("GasHungryConsumer", [f.market.address, BigInt(BURN)]);
    const id = await f.post(f.requester, { fee: PAR, callback: consumer.address, callbackGas: CALLBACK_GAS });
    await f.claimAsAssignee(id);
    const output = vadTrack(FRAMES);
    assert.equal((output.length - 2) / 2, OUTPUT_BYTES);
    await f.submit(id, output); // the honest result
    await f.networkHelpers.time.increase(600); // past the challenge window

    const task = f.book.get(id)!;
    const finalizer = f.stranger;

    /** Finalizes with a transaction gas limit of `gas`, reads what happened, and undoes it. */
    const tried = new Map<bigint, Trial>();
    async function tryGas(gas: bigint): Promise<Trial> {
      const seen = tried.get(gas);
      if (seen) return seen;
      const snapshot = await f.networkHelpers.takeSnapshot();
      let trial: Trial;
      try {
        const hash = await f.market.write.finalize([[id], [task], [output]], { account: finalizer.account, gas });
        const receipt = await f.publicClient.waitForTransactionReceipt({ hash });
        assert.equal(receipt.status, "success");
        const logs = parseEventLogs({ abi: f.market.abi, logs: receipt.logs, eventName: "CallbackResult" });
        assert.equal(logs.length, 1, "one CallbackResult per finalize with a callback");
        assert.equal(logs[0].args.id, id);
        trial = {
          gas,
          mined: true,
          callbackOk: logs[0].args.success,
          recordedHash: await consumer.read.lastOutputHash(),
          recordedLength: await consumer.read.lastOutputLength(),
        };
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        trial = { gas, mined: false, error: errorName(e) };
      }
      await snapshot.restore();
      tried.set(gas, trial);
      return trial;
    }

    // The finalizer's search: the lowest transaction gas limit at which finalize succeeds.
    let lo = 21_000n; // fails
    let hi = GAS_CEILING;
    assert.ok((await tryGas(hi)).mined, "finalize succeeds with ample gas");
    while (hi - lo > 1n) {
      const mid = (lo + hi) / 2n;
      if ((await tryGas(mid)).mined) hi = mid;
      else lo = mid;
    }
    const lowest = hi;
    // Just below it the market's callback check refuses (not the calldata floor, not the
    // callback's out-of-gas): the search reached the boundary the attack plays on.
    const below = (await tryGas(lowest - 1n)) as Extract<Trial, { mined: false }>;
    assert.equal(below.error, "InsufficientCallbackGas", `at ${lowest - 1n}`);
    // Then the limits just above it, up to where the callback gets its whole callbackGas whatever
    // the market spends after the check (CALLBACK_GAS / 63 + the 10,000 reserve, and more).
    for (let g = lowest; g <= lowest + 30_000n; g += 500n) await tryGas(g);

    const succeeded = [...tried.values()].filter((t): t is Extract<Trial, { mined: true }> => t.mined);
    const starved = succeeded
      .filter((t) => !t.callbackOk || t.recordedHash !== keccak256(output) || t.recordedLength !== BigInt(OUTPUT_BYTES))
      .sort((a, b) => (a.gas < b.gas ? -1 : 1));
    const show = (t: Extract<Trial, { mined: true }>) =>
      `gas limit ${t.gas}: CallbackResult success=${t.callbackOk}, consumer recorded ${t.recordedLength} bytes`;
    assert.equal(
      starved.length,
      0,
      `a finalizer starves the callback of a ${OUTPUT_BYTES}-byte output: ${starved.length} of ${succeeded.length} ` +
        `successful finalizes tried ran it out of gas, from the lowest successful limit ${lowest} ` +
        `(${lowest - 1n} reverts ${below.error}) up to ${starved.at(-1)?.gas}; the first: ${starved[0] && show(starved[0])}`,
    );

    // And for real: the task finalizes at the lowest limit and the consumer holds the output.
    await f.track(await f.market.write.finalize([[id], [task], [output]], { account: finalizer.account, gas: lowest }));
    assert.equal(await f.market.read.statusOf([id]), 0);
    assert.equal(await consumer.read.lastTaskId(), id);
    assert.equal(await consumer.read.lastOutputHash(), keccak256(output));
    assert.equal(await consumer.read.lastOutputLength(), BigInt(OUTPUT_BYTES));
    assert.equal(await consumer.read.calls(), 1n);
  });
});
