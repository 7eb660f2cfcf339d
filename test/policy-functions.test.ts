/**
 * The emission policy through Chainlink Functions (docs/policy-functions.md): the generated source
 * computes what the TypeScript forward pass computes, and PolicyFunctionsOracle, on the toolkit's
 * local Functions testnet (ganache + the v1 router and a coordinator that runs the source in deno),
 * proposes the DON's decision to the EmissionPool.
 *
 * ethers v5 appears only here, where the toolkit needs it; everything else is viem.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import path from "node:path";
import { after, before, describe, it } from "mocha";
import { artifacts } from "hardhat";
import { decodeErrorResult, decodeEventLog, keccak256, stringToHex, toHex, type Abi, type Hex } from "viem";
import { ethers } from "ethers";
import { POLICY_INPUT_LENGTH, type PolicyDecision } from "../keepers/src/policy-io.js";
import { policyForward, type PolicyWeights } from "../keepers/policy/model/forward.js";
import {
  decodeFunctionsResponse,
  functionsArgs,
  functionsSource,
  sourceHash,
} from "../keepers/policy/functions/source.js";

const require = createRequire(import.meta.url);
const toolkit = require("@chainlink/functions-toolkit") as typeof import("@chainlink/functions-toolkit");
const cbor = require("cbor") as { decodeAllSync(data: Buffer): unknown[] };

const ROOT = path.resolve(import.meta.dirname, "..");
// simulateScript runs `deno`: the npm package's binary.
process.env.PATH = `${path.join(ROOT, "node_modules", ".bin")}${path.delimiter}${process.env.PATH}`;

const FORWARD_TS = readFileSync(path.join(ROOT, "keepers/policy/model/forward.ts"), "utf8");
const WEIGHTS_JSON = readFileSync(path.join(ROOT, "keepers/policy/genesis-policy.json"), "utf8");
/** What the TypeScript side passes to policyForward. */
const WEIGHTS = JSON.parse(WEIGHTS_JSON) as PolicyWeights;
const SOURCE = functionsSource(FORWARD_TS, WEIGHTS_JSON);

const POLICY_ROLE = keccak256(toHex("POLICY_ROLE"));
const EPOCH = 3600;
const CALLBACK_GAS = 300_000;

/** Metrics of a plausible epoch and the one before (policy-io order). */
const INPUT = BigInt64Array.from([
  120n, 5_000n, 9_000_000n, 14n, 9n, 250n, 1_800n, 10_400n,
  100n, 4_100n, 7_000_000n, 12n, 8n, 300n, 1_900n, 10_300n,
]);
const ZEROS = new BigInt64Array(POLICY_INPUT_LENGTH);
/** Extremes: the clamps, negative products, int64 bounds. */
const EXTREME = BigInt64Array.from([
  2n ** 40n, 0n, 2n ** 50n, 1_000n, 1_000n, 10_000n, 10_000n, -(2n ** 63n),
  0n, 0n, 0n, 2n ** 40n, 2n ** 40n, 0n, 0n, 2n ** 63n - 1n,
]);

/** A decoded event, loosely typed (the ABIs come from the artifacts at run time). */
type DecodedLog = { eventName: string; args: Record<string, any> };
const decodeLog = (abi: Abi, l: { data: string; topics: string[] }) =>
  decodeEventLog({ abi, data: l.data as Hex, topics: l.topics as [Hex, ...Hex[]] }) as unknown as DecodedLog;

const decide = (input: BigInt64Array): PolicyDecision => policyForward(WEIGHTS, input);

async function simulate(source: string, args: string[]) {
  const r = await toolkit.simulateScript({ source, args });
  if (r.errorString) return { error: r.errorString };
  return { response: r.responseBytesHexstring as Hex };
}

describe("policy through Chainlink Functions: the generated source", () => {
  for (const [name, input] of [
    ["typical metrics", INPUT],
    ["all zeros", ZEROS],
    ["extremes", EXTREME],
  ] as const) {
    it(`returns exactly policyForward's decision (${name})`, async () => {
      const { response, error } = await simulate(SOURCE, functionsArgs(input));
      assert.equal(error, undefined);
      assert.deepEqual(decodeFunctionsResponse(response!), decide(input));
    });
  }

  it("throws on an input that is not 16 int64 decimals", async () => {
    assert.match((await simulate(SOURCE, functionsArgs(INPUT).slice(1))).error ?? "", /16 args expected/);
    const args = functionsArgs(INPUT);
    args[3] = (2n ** 63n).toString();
    assert.match((await simulate(SOURCE, args)).error ?? "", /not an int64/);
  });

  it("is deterministic, and takes the weights as JSON text or as a value", () => {
    assert.equal(functionsSource(FORWARD_TS, WEIGHTS_JSON), SOURCE);
    assert.equal(functionsSource(FORWARD_TS, WEIGHTS), SOURCE);
    assert.notEqual(sourceHash(functionsSource(FORWARD_TS, { ...WEIGHTS, b2: [WEIGHTS.b2[0]! + 1, WEIGHTS.b2[1]!] })), sourceHash(SOURCE));
  });
});

/** A free TCP port on localhost. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The revert data of an eth_call that reverts (ganache puts it in the error's `data`). */
async function revertData(provider: ethers.providers.JsonRpcProvider, tx: { from: string; to: string; data: string }) {
  try {
    await provider.send("eth_call", [tx, "latest"]);
  } catch (e) {
    const seen = new Set<unknown>();
    const find = (x: unknown): Hex | undefined => {
      if (x === null || typeof x !== "object" || seen.has(x)) return undefined;
      seen.add(x);
      const o = x as Record<string, unknown>;
      if (typeof o.data === "string" && o.data.startsWith("0x")) return o.data as Hex;
      if (o.data && typeof o.data === "object") {
        const d = o.data as Record<string, unknown>;
        if (typeof d.result === "string") return d.result as Hex;
      }
      if (typeof o.body === "string") {
        try {
          return find(JSON.parse(o.body));
        } catch {}
      }
      for (const v of Object.values(o)) {
        const r = find(v);
        if (r) return r;
      }
      return undefined;
    };
    const data = find(e);
    if (data) return data;
    throw e;
  }
  throw new Error("the call did not revert");
}

describe("policy through Chainlink Functions: PolicyFunctionsOracle on the local Functions testnet", function () {
  this.timeout(120_000);

  let testnet: Awaited<ReturnType<typeof toolkit.startLocalFunctionsTestnet>>;
  let provider: ethers.providers.JsonRpcProvider;
  let admin: ethers.Wallet;
  let stranger: ethers.Wallet;
  let pool: ethers.Contract;
  let oracle: ethers.Contract;
  let oracleAbi: Abi;
  let poolAbi: Abi;
  let coordinatorAbi: Abi;
  let firstRequest: { requestId: Hex; epoch: bigint; receipt: ethers.providers.TransactionReceipt };

  async function deploy(name: string, args: unknown[]) {
    const artifact = await artifacts.readArtifact(name);
    const factory = new ethers.ContractFactory(artifact.abi as any, artifact.bytecode, admin);
    const contract = await factory.deploy(...args);
    await contract.deployed();
    return { contract, abi: artifact.abi as Abi };
  }

  async function send(p: Promise<ethers.providers.TransactionResponse>) {
    return (await p).wait();
  }

  /** Moves the chain's clock by `seconds`, mines a block, and closes (measures) every epoch that ended. */
  async function advance(seconds: number, close = true) {
    await provider.send("evm_increaseTime", [seconds]);
    await provider.send("evm_mine", []);
    while (close && (await pool.nextEpochToClose()).lt(await pool.currentEpoch())) await send(pool.closeEpoch());
  }

  /** Decoded logs of `abi` emitted by `address` from block `fromBlock`, waited for until `until` holds. */
  async function waitForLogs(address: string, abi: Abi, fromBlock: number, until: (logs: DecodedLog[]) => boolean) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const raw = await provider.getLogs({ address, fromBlock, toBlock: "latest" });
      const logs = raw.map((l) => decodeLog(abi, l));
      if (until(logs)) return logs;
      if (Date.now() > deadline) throw new Error(`timed out waiting for logs of ${address}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Requests the policy and waits for the oracle's fulfilment event. */
  async function requestAndWait() {
    const receipt = await send(oracle.requestPolicy({ gasLimit: 3_000_000 }));
    const requested = receipt.logs
      .filter((l) => l.address.toLowerCase() === oracle.address.toLowerCase())
      .map((l) => decodeLog(oracleAbi, l))
      .find((l) => l.eventName === "PolicyRequested")!;
    const requestId = requested.args.requestId as Hex;
    const logs = await waitForLogs(oracle.address, oracleAbi, receipt.blockNumber, (logs) =>
      logs.some((l) => (l.eventName === "PolicyDelivered" || l.eventName === "PolicyRejected") && l.args.requestId === requestId),
    );
    const outcome = logs.find((l) => l.args.requestId === requestId && l.eventName !== "PolicyRequested")!;
    return { receipt, requested: requested.args, outcome };
  }

  before(async () => {
    const port = await freePort();
    testnet = await toolkit.startLocalFunctionsTestnet(undefined, { logging: { quiet: true } } as any, port);
    provider = new ethers.providers.JsonRpcProvider(`http://127.0.0.1:${port}`);
    admin = new ethers.Wallet(testnet.adminWallet.privateKey, provider);
    stranger = ethers.Wallet.createRandom().connect(provider);
    await testnet.getFunds(stranger.address, { weiAmount: 10n ** 18n, juelsAmount: 0n });

    const token = await deploy("ParadigmToken", [admin.address]);
    const deployed = await deploy("EmissionPool", [token.contract.address, admin.address, EPOCH]);
    pool = deployed.contract;
    poolAbi = deployed.abi;
    await send(token.contract.setMinter(pool.address));
    const metrics = await deploy("FixedPolicyMetrics", [Array.from(INPUT, (v) => v.toString())]);

    const router = testnet.functionsRouterContract.address;
    coordinatorAbi = JSON.parse(testnet.functionsMockCoordinatorContract.interface.format("json") as string) as Abi;
    const subscriptions = new toolkit.SubscriptionManager({
      signer: admin,
      linkTokenAddress: testnet.linkTokenContract.address,
      functionsRouterAddress: router,
    });
    await subscriptions.initialize();
    const subscriptionId = await subscriptions.createSubscription();
    await subscriptions.fundSubscription({ subscriptionId, juelsAmount: 10n ** 20n });

    const donId = ethers.utils.formatBytes32String(testnet.donId);
    const o = await deploy("PolicyFunctionsOracle", [
      admin.address, router, pool.address, metrics.contract.address, donId, subscriptionId, CALLBACK_GAS,
    ]);
    oracle = o.contract;
    oracleAbi = o.abi;
    await subscriptions.addConsumer({ subscriptionId, consumerAddress: oracle.address });
    // Governance's choice (docs/policy-functions.md): here the Functions oracle steers the pool.
    await send(pool.grantRole(POLICY_ROLE, oracle.address));
    await send(oracle.pinSource(sourceHash(SOURCE)));
    await send(oracle.setSource(SOURCE, { gasLimit: 10_000_000 }));
  });

  after(async () => {
    await testnet?.close();
    provider?.removeAllListeners();
  });

  const oracleError = (data: Hex) => decodeErrorResult({ abi: oracleAbi, data });

  it("stores only the source whose hash governance pinned", async () => {
    assert.equal(await oracle.source(), SOURCE);
    const tampered = SOURCE.replace("const __weights = {", "const __weights = {x:1,");
    const data = await revertData(provider, {
      from: stranger.address,
      to: oracle.address,
      data: oracle.interface.encodeFunctionData("setSource", [tampered]),
    });
    const error = oracleError(data);
    assert.equal(error.errorName, "SourceHashMismatch");
    assert.deepEqual(error.args, [sourceHash(SOURCE), sourceHash(tampered)]);
    // Pinning is governance's: a stranger cannot.
    const denied = await revertData(provider, {
      from: stranger.address,
      to: oracle.address,
      data: oracle.interface.encodeFunctionData("pinSource", [sourceHash(tampered)]),
    });
    assert.equal(oracleError(denied).errorName, "AccessControlUnauthorizedAccount");
  });

  it("has no input before the chain has measured an epoch: none ended, or the last not closed", async () => {
    const request = () =>
      revertData(provider, { from: stranger.address, to: oracle.address, data: oracle.interface.encodeFunctionData("requestPolicy") });
    assert.equal(oracleError(await request()).errorName, "EpochNotMeasured");
    await advance(EPOCH, false);
    const unclosed = oracleError(await request());
    assert.deepEqual([unclosed.errorName, unclosed.args], ["EpochNotMeasured", [0n]]);
  });

  it("requests the policy on the chain's metrics and proposes the DON's decision for the next epoch", async () => {
    await advance(0);
    const epoch = BigInt((await pool.currentEpoch()).toString());
    assert.equal(epoch, 1n);
    const { receipt, requested, outcome } = await requestAndWait();
    firstRequest = { requestId: requested.requestId, epoch, receipt };

    // The request the DON received: inline JavaScript, the pinned source, the metrics as decimals.
    const [oracleRequest] = receipt.logs
      .filter((l) => l.address.toLowerCase() === testnet.functionsMockCoordinatorContract.address.toLowerCase())
      .map((l) => decodeLog(coordinatorAbi, l))
      .filter((l) => l.eventName === "OracleRequest");
    const data = oracleRequest.args.data as Hex;
    // As Chainlink's FunctionsRequest.encodeCBOR writes it: "codeLocation" then a 32-byte bignum 0
    // (tag 2), …, the args as an indefinite-length array closed by a break.
    assert.ok(data.startsWith(`0x6c636f64654c6f636174696f6ec25820${"00".repeat(32)}686c616e6775616765c25820`));
    assert.ok(data.endsWith("ff"));
    const items = cbor.decodeAllSync(Buffer.from(data.slice(2), "hex"));
    assert.deepEqual(items.map((x) => (typeof x === "bigint" || (typeof x === "object" && x !== null && !Array.isArray(x)) ? Number(x) : x)), [
      "codeLocation", 0, "language", 0, "source", SOURCE, "args", functionsArgs(INPUT),
    ]);
    assert.equal(requested.forEpoch, epoch + 1n);
    assert.equal(requested.sourceHash, sourceHash(SOURCE));

    const expected = decide(INPUT);
    assert.equal(outcome.eventName, "PolicyDelivered", JSON.stringify(outcome, (_, v) => (typeof v === "bigint" ? `${v}` : v)));
    assert.equal(BigInt(outcome.args.multiplierBps), expected.multiplierBps);
    assert.equal(outcome.args.minFeePerCU, expected.minFeePerCU);

    const proposed = await waitForLogs(pool.address, poolAbi, receipt.blockNumber, (logs) =>
      logs.some((l) => l.eventName === "PolicyProposed"),
    );
    const event = proposed.find((l) => l.eventName === "PolicyProposed")!;
    assert.deepEqual(
      [event.args.epoch, BigInt(event.args.multiplierBps), event.args.minFeePerCU],
      [epoch + 1n, expected.multiplierBps, expected.minFeePerCU],
    );
    assert.equal((await oracle.pendingEpochOf(requested.requestId)).toString(), "0");
    assert.equal(await oracle.requestOf(epoch), requested.requestId);
  });

  it("requests at most once per epoch", async () => {
    const data = await revertData(provider, {
      from: stranger.address,
      to: oracle.address,
      data: oracle.interface.encodeFunctionData("requestPolicy"),
    });
    const error = oracleError(data);
    assert.equal(error.errorName, "AlreadyRequested");
    assert.deepEqual(error.args, [firstRequest.epoch, firstRequest.requestId]);
  });

  it("only the router can fulfil", async () => {
    const response = ethers.utils.defaultAbiCoder.encode(["int256", "int256"], [15_000, 0]);
    for (const from of [admin.address, stranger.address]) {
      const data = await revertData(provider, {
        from,
        to: oracle.address,
        data: oracle.interface.encodeFunctionData("handleOracleFulfillment", [firstRequest.requestId, response, "0x"]),
      });
      const error = oracleError(data);
      assert.equal(error.errorName, "OnlyRouter");
      assert.equal((error.args![0] as string).toLowerCase(), from.toLowerCase());
    }
  });

  it("proposes nothing, without reverting, when the DON's answer is out of range or an error", async () => {
    // Governance pins another source: one whose decision lies outside the declared range …
    const outOfRange = "const r = new Uint8Array(64); r[30] = 0x4e; r[31] = 0x21; return r; // 20001 bps, fee 0";
    await send(oracle.pinSource(sourceHash(outOfRange)));
    await send(oracle.setSource(outOfRange));
    await advance(EPOCH);
    let { outcome } = await requestAndWait();
    assert.equal(outcome.eventName, "PolicyRejected");
    assert.equal(outcome.args.reason, 2); // OutOfRange
    assert.equal(decodeFunctionsResponse(outcome.args.detail).multiplierBps, 20_001n);

    // … and one that throws: the DON reports an error.
    const throwing = "throw Error('no policy today')";
    await send(oracle.pinSource(sourceHash(throwing)));
    await send(oracle.setSource(throwing));
    await advance(EPOCH);
    ({ outcome } = await requestAndWait());
    assert.equal(outcome.eventName, "PolicyRejected");
    assert.equal(outcome.args.reason, 0); // DonError
    assert.match(Buffer.from((outcome.args.detail as Hex).slice(2), "hex").toString(), /no policy today/);

    // A zero hash switches the oracle off.
    await send(oracle.pinSource(stringToHex("", { size: 32 })));
    await advance(EPOCH);
    const data = await revertData(provider, {
      from: stranger.address,
      to: oracle.address,
      data: oracle.interface.encodeFunctionData("requestPolicy"),
    });
    assert.equal(oracleError(data).errorName, "SourceNotSet");
  });
});
