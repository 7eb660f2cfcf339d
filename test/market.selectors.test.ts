import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { artifacts } from "hardhat";
import { encodeFunctionData, toFunctionSelector, type Abi, type AbiFunction, type Hex } from "viem";
import { deployMarket } from "./helpers/market.js";

/** The 4-byte selectors of an artifact's functions, keyed to their signatures. */
async function selectorsOf(name: string): Promise<Map<Hex, string>> {
  const { abi } = await artifacts.readArtifact(name);
  const fns = (abi as Abi).filter((i): i is AbiFunction => i.type === "function");
  return new Map(fns.map((f) => [toFunctionSelector(f), `${f.name}(${f.inputs.map((x) => x.type).join(",")})`]));
}

/**
 * Makes a raw call to the market and returns the revert data it failed with (throws if it did
 * not fail). EDR's error carries the data as a hex string.
 */
async function revertData(f: Awaited<ReturnType<typeof deployMarket>>, data: Hex, value = 0n): Promise<Hex> {
  const client = await f.viem.getPublicClient();
  try {
    await client.call({ account: f.requester.account, to: f.market.address, data, value });
  } catch (e) {
    let err: unknown = e;
    while (err && typeof err === "object") {
      const d = (err as { data?: unknown }).data;
      if (typeof d === "string" && d.startsWith("0x")) return d as Hex;
      if (d && typeof d === "object" && typeof (d as { data?: unknown }).data === "string") {
        return (d as { data: Hex }).data;
      }
      err = (err as { cause?: unknown }).cause;
    }
    throw new Error(`call ${data.slice(0, 10)} reverted without revert data in its error: ${String(e)}`);
  }
  throw new Error(`call ${data.slice(0, 10)} with ${value} wei did not revert`);
}

describe("TaskMarket serves every ITaskMarket selector", () => {
  it("each ITaskMarket function is defined by TaskMarket or by TaskMarketExtension", async () => {
    const iface = await selectorsOf("ITaskMarket");
    const market = await selectorsOf("TaskMarket");
    const extension = await selectorsOf("TaskMarketExtension");
    assert.ok(iface.size > 50, `ITaskMarket has ${iface.size} functions`);
    const missing = [...iface].filter(([s]) => !market.has(s) && !extension.has(s)).map(([, sig]) => sig);
    assert.deepEqual(missing, [], `served by neither: ${missing.join(", ")}`);
  });

  it("a selector neither defines reverts, with empty data", async () => {
    const market = await selectorsOf("TaskMarket");
    const extension = await selectorsOf("TaskMarketExtension");
    const unknown = "0xdeadbeef" as Hex;
    assert.ok(!market.has(unknown) && !extension.has(unknown));
    const f = await deployMarket();
    assert.equal(await revertData(f, unknown), "0x");
    assert.equal(await revertData(f, `${unknown}${"00".repeat(64)}`), "0x");
    // Control: a served function's custom error comes back through the fallback intact.
    const setTreasury = encodeFunctionData({ abi: f.market.abi, functionName: "setTreasury", args: [f.requester.account.address] });
    const denied = await revertData(f, setTreasury);
    assert.equal(denied.slice(0, 10), toFunctionSelector("AccessControlUnauthorizedAccount(address,bytes32)"));
  });

  it("refuses ether: plain transfers and calls with value to either contract's functions revert", async () => {
    const f = await deployMarket();
    const nextTaskId = toFunctionSelector("nextTaskId()"); // TaskMarket's own
    const protocolFees = toFunctionSelector("protocolFees()"); // served by the extension
    assert.equal(await revertData(f, "0x", 1n), "0x");
    assert.equal(await revertData(f, "0x"), "0x");
    assert.equal(await revertData(f, nextTaskId, 1n), "0x");
    assert.equal(await revertData(f, protocolFees, 1n), "0x");
    assert.equal(await revertData(f, "0xdeadbeef", 1n), "0x");
    // Without value both answer.
    assert.equal(await f.market.read.nextTaskId(), 1n);
    assert.equal(await f.market.read.protocolFees(), 0n);
  });
});
