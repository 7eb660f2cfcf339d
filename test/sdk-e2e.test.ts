import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Worker } from "node:worker_threads";
import { decodeFunctionData, keccak256, parseEventLogs, parseTransaction, toHex, type Hex } from "viem";
import { taskMarketAbi } from "../keepers/src/abi.js";
import { createTaskBook, paradigmFrom, postTask, postTasks, waitForResult } from "../keepers/src/index.js";
import { createKeystore } from "../keepers/src/keystore.js";
import { decodeCanonical } from "../keepers/src/canonical.js";
import { loadSession, runBundle } from "../keepers/src/inference.js";
import { MODELS } from "../keepers/src/models.js";
import { DType, encodeBundle, toTensors } from "../keepers/src/tensors.js";
import { classifyReadings } from "../keepers/examples/agent.js";
import { sampleBundle } from "../keepers/src/samples.js";
import { startKeeper, type Keeper } from "../keepers/src/keeper/index.js";
import { createLogger } from "../keepers/src/telemetry.js";
import { clientsFor, fundedKey, liveChain, registerKeeper, stakedKeeper, writeBook, type Connection, type SdkChain } from "./helpers/sdk-chain.js";

const PAR = 10n ** 8n;
const cacheDir = mkdtempSync(path.join(tmpdir(), "par-e2e-cache-"));
const quiet = createLogger({ quiet: !process.env.PAR_TEST_LOG });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("keeper e2e: post → claim → run → submit → finalize", function () {
  this.timeout(120_000);
  let conn: Connection;
  let fx: SdkChain;
  let url: string;
  const keepers: Keeper[] = [];

  before(async () => {
    ({ conn, fx, url } = await liveChain());
  });
  after(async () => {
    await Promise.all(keepers.map((k) => k.stop()));
  });

  it("two keepers serve a requester: paradigm.infer returns the output verified against its commitment", async () => {
    for (let i = 0; i < 2; i++) {
      const key = await fundedKey(conn, fx, 100n * PAR);
      const c = clientsFor(url, fx.book, key);
      await registerKeeper(c, [fx.modelIds.mlp, fx.modelIds.mixed, fx.modelIds.silero], 50n * PAR);
      keepers.push(await startKeeper({ clients: c, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 200, log: quiet }));
    }
    const requesterKey = await fundedKey(conn, fx, 10n * PAR);
    const paradigm = paradigmFrom(clientsFor(url, fx.book, requesterKey));
    const before = (await fx.token.read.balanceOf([paradigm.clients.account!.address])) as bigint;
    const r = await paradigm.infer(fx.modelIds.mlp, { x: { dims: [2, 4], data: [0.1, 0.2, 0.3, 0.4, -1, 2, -3, 4] } }, { fee: PAR / 10n, timeoutMs: 60_000 });
    assert.equal(keccak256(r.output), r.resultHash);
    assert.deepEqual(r.outputs.map((o) => o.name), ["probs", "label"]);
    assert.deepEqual(r.outputs[0].dims, [2, 3]);
    const probs = r.outputs[0].values as number[];
    assert.ok(Math.abs(probs[0] + probs[1] + probs[2] - 1) < 1e-5);
    assert.equal(await fx.token.read.balanceOf([paradigm.clients.account!.address]), before - PAR / 10n);
  });

  it("an agent prepays fees: posts draw on its deposit without approvals, and it withdraws the rest", async () => {
    const paradigm = paradigmFrom(clientsFor(url, fx.book, await fundedKey(conn, fx, 2n * PAR)));
    const me = paradigm.clients.account!.address;
    await paradigm.deposit(PAR);
    assert.equal(await fx.market.read.depositOf([me]), PAR);
    await paradigm.postTask(fx.modelIds.mlp, { x: { dims: [1, 4], data: [0.1, 0.2, 0.3, 0.4] } }, { fee: PAR / 10n });
    assert.equal(await fx.market.read.depositOf([me]), PAR - PAR / 10n);
    assert.equal(await fx.token.read.allowance([me, fx.market.address]), 0n);
    await assert.rejects(paradigm.withdrawDeposit(PAR), /the deposit holds 90000000 PAR base units, 100000000 asked/);
    await paradigm.withdrawDeposit(PAR - PAR / 10n);
    assert.equal(await fx.token.read.balanceOf([me]), 2n * PAR - PAR / 10n);
  });

  it("declines a malformed input without crashing; the task expires and the requester is refunded", async () => {
    const c = clientsFor(url, fx.book, await fundedKey(conn, fx, PAR));
    const me = c.account!.address;
    const bad = Uint8Array.of(1, 2, 1, 0, 0, 0, 5, 0, 0, 0, ...new Uint8Array(20)); // x is [1,5], the model wants [?,4]
    await assert.rejects(postTask(c, fx.modelIds.mlp, bad), /input "x": shape expected \[\?,4\], got \[1,5\]/);
    const declinedBefore = keepers.map((k) => k.metrics.snapshot().par_tasks_declined_total ?? 0);
    const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
    await c.publicClient.waitForTransactionReceipt({ hash: await c.contracts.token.write.approve([fx.book.contracts.TaskMarket, PAR / 10n], tx) });
    const now = Number((await c.publicClient.getBlock()).timestamp);
    const zero32 = `0x${"00".repeat(32)}` as const;
    const hash = await c.contracts.market.write.post([{ modelId: fx.modelIds.mlp, items: 1, fee: PAR / 10n, deadline: now + 6, callback: "0x0000000000000000000000000000000000000000", callbackGas: 0, input: toHex(bad), inputHash: zero32, inputURI: "" }], tx);
    const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
    await assert.rejects(waitForResult(c, 1000n, { timeoutMs: 1 }), /no final result/);
    const book = createTaskBook(c, { fromBlock: receipt.blockNumber });
    for (let i = 0; ; i++) {
      await book.sync();
      const t = [...book.tasks.values()][0];
      if (t?.phase === "Expired") break;
      if (i > 200) assert.fail(`task did not expire (phase ${t?.phase})`);
      await sleep(100);
    }
    keepers.forEach((k, i) => assert.equal(k.metrics.snapshot().par_tasks_declined_total, declinedBefore[i] + 1));
    assert.equal(await fx.token.read.balanceOf([me]), PAR);
  });

  it("runs a task whose input is at an http URI, and one whose URI fails twice first (503); declines a 404 URI and one serving other bytes (both expire, refunded)", async () => {
    const input = sampleBundle("mlp", 3, 11);
    let flaky = 0;
    const server = createServer((req, res) => {
      if (req.url === "/input") return res.end(input);
      if (req.url === "/flaky" && ++flaky > 2) return res.end(input);
      if (req.url === "/flaky") return void ((res.statusCode = 503), res.end());
      if (req.url === "/other") return res.end(sampleBundle("mlp", 3, 12));
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const c = clientsFor(url, fx.book, await fundedKey(conn, fx, 2n * PAR));
      const fromBlock = await c.publicClient.getBlockNumber();
      const declinedBefore = keepers.map((k) => k.metrics.snapshot().par_tasks_declined_total ?? 0);
      const fee = PAR / 10n;
      const id = await postTask(c, fx.modelIds.mlp, input, { fee, inputURI: `${base}/input` });
      const retried = await postTask(c, fx.modelIds.mlp, input, { fee, inputURI: `${base}/flaky` });
      const bad = [await postTask(c, fx.modelIds.mlp, input, { fee, ttl: 6, inputURI: `${base}/missing` }), await postTask(c, fx.modelIds.mlp, input, { fee, ttl: 6, inputURI: `${base}/other` })];
      const book = createTaskBook(c, { fromBlock });
      await book.sync();
      assert.equal(book.tasks.get(id)!.input, "0x", "only the hash and the URI went on chain");
      const r = await waitForResult(c, id, { fromBlock, timeoutMs: 60_000 });
      const { session } = await loadSession(MODELS.mlp.bytes());
      assert.equal(r.resultHash, (await runBundle(session, MODELS.mlp, input)).resultHash);
      assert.equal((await waitForResult(c, retried, { fromBlock, timeoutMs: 60_000 })).resultHash, r.resultHash, "a URI that answers on a later try is not declined");
      assert.ok(flaky > 2);
      for (let i = 0; bad.some((b) => book.tasks.get(b)!.phase !== "Expired"); i++) {
        if (i > 300) assert.fail(`tasks did not expire: ${bad.map((b) => book.tasks.get(b)!.phase).join(", ")}`);
        await sleep(100);
        await book.sync();
      }
      keepers.forEach((k, i) => assert.equal(k.metrics.snapshot().par_tasks_declined_total, declinedBefore[i] + 2));
      assert.equal(await fx.token.read.balanceOf([c.account!.address]), 2n * PAR - 2n * fee, "only the tasks that ran are paid for");
    } finally {
      server.close();
    }
  });

  it("runs the agent example from docs/sdk.md: labels agree with a local run of the same model", async () => {
    const paradigm = paradigmFrom(clientsFor(url, fx.book, await fundedKey(conn, fx, PAR)));
    const readings = [[0.1, 0.2, 0.3, 0.4], [-1, 2, -3, 4], [3, -2, 1, 0]];
    const { labels, resultHash } = await classifyReadings(paradigm, fx.modelIds.mlp, readings);
    const { session } = await loadSession(MODELS.mlp.bytes());
    const local = await runBundle(session, MODELS.mlp, encodeBundle(MODELS.mlp.inputs, toTensors(MODELS.mlp.inputs, { x: { dims: [3, 4], data: readings.flat() } })));
    assert.equal(resultHash, local.resultHash);
    assert.deepEqual(labels, (decodeCanonical(MODELS.mlp.outputs, local.canonical, MODELS.mlp.outputDecimals)[1].values as bigint[]).map(Number));
  });

  it("paradigm.inferLot: a lot of 3 inputs runs as one task: each input's output equals a local run of it, and one fee pays for all", async () => {
    const paradigm = paradigmFrom(clientsFor(url, fx.book, await fundedKey(conn, fx, PAR)));
    const me = paradigm.clients.account!.address;
    const inputs = [[0.1, 0.2, 0.3, 0.4], [-1, 2, -3, 4, 5, 6, 7, 8], [3, -2, 1, 0]].map((data) => ({ x: { dims: [data.length / 4, 4], data } }));
    const r = await paradigm.inferLot(fx.modelIds.mlp, inputs, { fee: 3n * (PAR / 10n), timeoutMs: 60_000 });
    assert.equal(keccak256(r.output), r.resultHash);
    assert.equal(r.items?.length, 3);
    const { session } = await loadSession(MODELS.mlp.bytes());
    for (const [i, input] of inputs.entries()) {
      const local = await runBundle(session, MODELS.mlp, encodeBundle(MODELS.mlp.inputs, toTensors(MODELS.mlp.inputs, input)));
      assert.deepEqual(r.items![i], decodeCanonical(MODELS.mlp.outputs, local.canonical, MODELS.mlp.outputDecimals));
    }
    assert.equal(await fx.token.read.balanceOf([me]), PAR - 3n * (PAR / 10n));
  });
});

describe("keeper e2e: a lot whose result would not fit one submit transaction", function () {
  this.timeout(120_000);
  let keeper: Keeper | undefined;
  after(async () => {
    await keeper?.stop();
  });

  it("is run before any claim and declined: the keeper risks no bond, the lot expires and the requester is refunded", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const { key, c: kc } = await stakedKeeper(chain, [fx.modelIds.mlp], 50n * PAR);
    // Each mlp item's result is 36 bytes (4 int64 + its length): a lot of 3 is 108 bytes > 64.
    keeper = await startKeeper({ clients: kc, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 200, log: quiet, maxSubmitBytes: 64 });
    const c = clientsFor(url, fx.book, await fundedKey(conn, fx, PAR));
    const x = (data: number[]) => ({ x: { dims: [1, 4], data } });
    const fromBlock = await c.publicClient.getBlockNumber();
    const id = await paradigmFrom(c).postLot(fx.modelIds.mlp, [x([1, 2, 3, 4]), x([4, 3, 2, 1]), x([0, 0, 0, 1])], { fee: PAR / 10n, ttl: 8 });
    await assert.rejects(waitForResult(c, id, { fromBlock, timeoutMs: 60_000 }), /ended Expired without a result; the fee was refunded/);
    const m = keeper.metrics.snapshot();
    assert.equal(m.par_tasks_declined_total, 1);
    assert.equal(m.par_tasks_claimed_total ?? 0, 0);
    assert.equal(await fx.token.read.balanceOf([c.account!.address]), PAR);
  });
});

describe("keeper e2e: an input whose output has no canonical form (a NaN posted straight to the market)", function () {
  this.timeout(120_000);
  let keeper: Keeper | undefined;
  after(async () => {
    await keeper?.stop();
  });

  it("is run before any claim and declined: no TaskClaimed, the keeper's stake is untouched, the requester gets its fee back and no penalty", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const stake = 50n * PAR;
    const { key, c: kc } = await stakedKeeper(chain, [fx.modelIds.mlp], stake);
    const logs: string[] = [];
    keeper = await startKeeper({ clients: kc, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 200, log: createLogger({ json: true, write: (l) => logs.push(l) }) });
    const c = clientsFor(url, fx.book, await fundedKey(conn, fx, PAR));
    const me = c.account!.address;
    // The SDK refuses a NaN element, so it is posted as raw bytes: a well-formed bundle on which the
    // model runs, but whose probs come out NaN, which has no canonical form.
    const nan = encodeBundle(MODELS.mlp.inputs, [{ dtype: DType.float32, dims: [1, 4], data: Float32Array.of(NaN, 0.1, 0.2, 0.3) }]);
    const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
    await c.publicClient.waitForTransactionReceipt({ hash: await c.contracts.token.write.approve([fx.book.contracts.TaskMarket, PAR / 10n], tx) });
    const now = Number((await c.publicClient.getBlock()).timestamp);
    const zero32 = `0x${"00".repeat(32)}` as const;
    const receipt = await c.publicClient.waitForTransactionReceipt({
      hash: await c.contracts.market.write.post([{ modelId: fx.modelIds.mlp, items: 1, fee: PAR / 10n, deadline: now + 8, callback: "0x0000000000000000000000000000000000000000", callbackGas: 0, input: toHex(nan), inputHash: zero32, inputURI: "" }], tx),
    });
    const [{ args: { id } }] = parseEventLogs({ abi: taskMarketAbi, logs: receipt.logs, eventName: "TaskPosted" });
    await assert.rejects(waitForResult(c, id, { fromBlock: receipt.blockNumber, timeoutMs: 60_000 }), /ended Expired without a result; the fee was refunded/);

    const declined = logs.map((l) => JSON.parse(l) as { event: string; id?: string; reason?: string }).filter((e) => e.event === "task.declined");
    assert.deepEqual(declined.map((e) => e.id), [String(id)]);
    assert.match(declined[0].reason!, /inference failed: output "probs": element 0 is NaN; non-finite outputs are invalid/);
    assert.equal(keeper.metrics.snapshot().par_tasks_claimed_total ?? 0, 0);
    assert.deepEqual(await fx.market.getEvents.TaskClaimed({ id }, { fromBlock: receipt.blockNumber }), [], "never claimed");
    assert.equal(await fx.keepers.read.stakeOf([kc.account!.address]), stake, "no liveness penalty");
    assert.equal(await fx.keepers.read.freeStakeOf([kc.account!.address]), stake, "no bond locked");
    assert.equal(await fx.token.read.balanceOf([me]), PAR, "the fee back, and no penalty earned");
  });
});

describe("keeper e2e: a lying keeper is challenged by the honest watchtower, judged and slashed", function () {
  this.timeout(180_000);
  let conn: Connection;
  let fx: SdkChain;
  let url: string;
  const running: Keeper[] = [];
  after(async () => {
    await Promise.all(running.map((k) => k.stop()));
  });

  it("slashes the liar; the watchtower's result stands and the requester gets it", async () => {
    const chain = await liveChain();
    ({ conn, fx, url } = chain);
    const make = async (opts: Partial<Parameters<typeof startKeeper>[0]>, stake = 50n * PAR) =>
      ({ ...(await stakedKeeper(chain, [fx.modelIds.mlp], stake)), opts });
    // the liar claims every task; the honest watchtower and the juror never claim
    const liar = await make({ tamper: (b) => { const x = new Uint8Array(b); x[0] ^= 0x7f; return x; } });
    const honest = await make({ onlyTasks: () => false });
    // most of the stake sits with the juror so the stake-weighted draw seats it (parties are excluded)
    const juror = await make({ onlyTasks: () => false, sampleRate: 0 }, 2000n * PAR);
    for (const k of [liar, honest, juror]) {
      running.push(await startKeeper({ clients: k.c, cacheDir, saltSecret: keccak256(k.key), poolSize: 1, pollMs: 200, log: quiet, ...k.opts }));
    }
    const liarStake = (await fx.keepers.read.stakeOf([liar.c.account!.address])) as bigint;
    const paradigm = paradigmFrom(clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR)));
    const r = await paradigm.infer(fx.modelIds.mlp, { x: { dims: [1, 4], data: [0.5, -0.5, 1, 2] } }, { fee: PAR / 10n, timeoutMs: 150_000 });
    assert.equal(r.keeper, honest.c.account!.address, "the challenger's result stands");
    const [, watchtower] = running;
    assert.equal(watchtower.metrics.snapshot().par_challenges_total, 1);
    assert.equal(running[2].metrics.snapshot().par_votes_revealed_total, 1);
    const slashed = await fx.keepers.getEvents.Slashed({ keeper: liar.c.account!.address }, { fromBlock: 0n });
    assert.equal(slashed.length, 1);
    assert.ok(((await fx.keepers.read.stakeOf([liar.c.account!.address])) as bigint) < liarStake);
  });
});

describe("keeper e2e: results submitted by hash and URI (submitHash)", function () {
  this.timeout(180_000);
  const running: Keeper[] = [];
  after(async () => {
    await Promise.all(running.map((k) => k.stop()));
  });

  it("the watchtower fetches and checks them: an honest one stands; a wrong one and one whose URI is unreachable are challenged, and the submitter is slashed", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const served = new Map<string, Uint8Array>();
    const server = createServer((req, res) => {
      const body = served.get(req.url ?? "");
      if (body) return res.end(body);
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const make = (stake: bigint) => stakedKeeper(chain, [fx.modelIds.mlp], stake);
      const submitter = await make(50n * PAR); // no keeper process: the test claims and submits for it
      const watchtower = await make(50n * PAR);
      const juror = await make(2000n * PAR); // most of the stake, so the draw seats it
      running.push(await startKeeper({ clients: watchtower.c, cacheDir, saltSecret: keccak256(watchtower.key), poolSize: 1, pollMs: 200, log: quiet, onlyTasks: () => false }));
      running.push(await startKeeper({ clients: juror.c, cacheDir, saltSecret: keccak256(juror.key), poolSize: 1, pollMs: 200, log: quiet, onlyTasks: () => false, sampleRate: 0 }));
      const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
      const { session } = await loadSession(MODELS.mlp.bytes());
      const tx = { account: submitter.c.walletClient!.account, chain: submitter.c.walletClient!.chain };

      /** Posts a task, claims it for the submitter after the exclusive window, and submits `output` (default: the right one) by hash at `path`. */
      const run = async (seed: number, path: string, output?: (right: Uint8Array) => Uint8Array) => {
        const input = sampleBundle("mlp", 2, seed);
        const fromBlock = await requester.publicClient.getBlockNumber();
        const id = await postTask(requester, fx.modelIds.mlp, input, { fee: PAR / 10n });
        const book = createTaskBook(submitter.c, { fromBlock });
        await book.sync();
        await sleep(2_500); // past the 2 s exclusive window
        await submitter.c.publicClient.waitForTransactionReceipt({ hash: await submitter.c.contracts.market.write.claim([id, book.tasks.get(id)!.task], tx) });
        await book.sync();
        const right = (await runBundle(session, MODELS.mlp, input)).canonical;
        const posted = output ? output(right) : right;
        if (path !== "/gone") served.set(path, posted);
        await submitter.c.publicClient.waitForTransactionReceipt({ hash: await submitter.c.contracts.market.write.submitHash([id, book.tasks.get(id)!.task, keccak256(posted), `${base}${path}`], tx) });
        return { id, fromBlock, right };
      };
      const slashes = async () => (await fx.keepers.getEvents.Slashed({ keeper: submitter.c.account!.address }, { fromBlock: 0n })).length;

      const honest = await run(1, "/honest");
      const r = await waitForResult(requester, honest.id, { fromBlock: honest.fromBlock, timeoutMs: 60_000 });
      assert.equal(r.keeper, submitter.c.account!.address, "the honest result stands");
      assert.deepEqual(new Uint8Array(r.output), honest.right, "the requester fetched it from the URI and checked its hash");
      assert.equal(running[0].metrics.snapshot().par_checks_total, 1);
      assert.equal(running[0].metrics.snapshot().par_challenges_total ?? 0, 0);

      const wrong = (b: Uint8Array) => { const x = new Uint8Array(b); x[0] ^= 0x7f; return x; };
      for (const [n, path] of [[2, "/wrong"], [3, "/gone"]] as const) { // /gone: a wrong hash whose bytes nobody can fetch
        const output = wrong;
        const t = await run(n, path, output);
        const r = await waitForResult(requester, t.id, { fromBlock: t.fromBlock, timeoutMs: 120_000 });
        assert.equal(r.keeper, watchtower.c.account!.address, `${path}: the watchtower's result stands`);
        assert.deepEqual(new Uint8Array(r.output), t.right);
        assert.equal(await slashes(), n - 1, `${path}: the submitter is slashed`);
      }
      assert.equal(running[0].metrics.snapshot().par_challenges_total, 2);
    } finally {
      server.close();
    }
  });
});

describe("keeper e2e: an inference worker that dies mid-task is replaced", function () {
  this.timeout(120_000);
  const running: Keeper[] = [];
  after(async () => {
    await Promise.all(running.map((k) => k.stop()));
  });

  it("the task is not declined: the keeper runs it again on a fresh worker, submits it and keeps its whole stake", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const { key, c } = await stakedKeeper(chain, [fx.modelIds.silero], 50n * PAR);
    // the keeper's first inference worker exits as soon as it is handed a task, before running it
    let crashed = false;
    const sabotage = (w: Worker) => {
      if (w.threadName !== "par-inference" || crashed) return;
      const post = w.postMessage.bind(w);
      w.postMessage = (m: { bundles?: unknown[] }) => {
        if (crashed || !m.bundles?.length) return post(m);
        crashed = true;
        post({ close: true });
      };
    };
    process.on("worker", sabotage);
    const logs: string[] = [];
    try {
      running.push(await startKeeper({ clients: c, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 100, log: createLogger({ json: true, write: (l) => logs.push(l) }) }));
      const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
      const fromBlock = await requester.publicClient.getBlockNumber();
      const bundle = sampleBundle("silero", 4, 77);
      const id = await postTask(requester, fx.modelIds.silero, bundle, { fee: PAR / 10n });
      const r = await waitForResult(requester, id, { fromBlock, timeoutMs: 60_000 });
      assert.ok(crashed, "the worker was made to exit");
      assert.equal(r.keeper, c.account!.address);
      const { session } = await loadSession(MODELS.silero.bytes());
      assert.equal(r.resultHash, (await runBundle(session, MODELS.silero, bundle)).resultHash);
      assert.match(logs.join("\n"), /"event":"task.retry".*inference worker exited/);
      assert.match(logs.join("\n"), /the next task starts a fresh one/);
      assert.equal(running[0].metrics.snapshot().par_tasks_declined_total ?? 0, 0);
      assert.equal(await fx.keepers.read.stakeOf([c.account!.address]), 50n * PAR);
      assert.equal(await fx.keepers.read.freeStakeOf([c.account!.address]), 50n * PAR, "the bond is released");
      for (let i = 0; running[0].metrics.snapshot().par_tasks_open !== 0; i++) {
        if (i > 50) assert.fail("the keeper still tracks the finalized task");
        await sleep(100);
      }
    } finally {
      process.off("worker", sabotage);
    }
  });
});

describe("keeper e2e: a batch claim that loses a task to another keeper", function () {
  this.timeout(120_000);
  const running: Keeper[] = [];
  after(async () => {
    await Promise.all(running.map((k) => k.stop()));
  });

  it("re-syncs and claims the rest in one transaction: claim.lost names the lost task, nothing is claimed one by one", async () => {
    let rival: (() => Promise<void>) | undefined; // runs once, in front of the keeper's first batch claim
    const chain = await liveChain({
      intercept: async (req) => {
        if (req.method !== "eth_sendRawTransaction" || !rival) return;
        const { data } = parseTransaction(req.params![0] as Hex);
        const call = data && decodeFunctionData({ abi: taskMarketAbi, data });
        if (call?.functionName !== "claimAndSubmitBatch" || call.args[0].length !== 2) return;
        const front = rival;
        rival = undefined;
        await front();
      },
    });
    const { conn, fx, url } = chain;
    const [{ key, c: mine }, { c: other }] = [await stakedKeeper(chain, [fx.modelIds.mlp], 50n * PAR), await stakedKeeper(chain, [fx.modelIds.mlp], 50n * PAR)];

    const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const fromBlock = await requester.publicClient.getBlockNumber();
    const ids = await postTasks(requester, fx.modelIds.mlp, [sampleBundle("mlp", 2, 1), sampleBundle("mlp", 2, 2)], { fee: PAR / 10n });
    const book = createTaskBook(requester, { fromBlock });
    await book.sync();
    const lost = ids[1];
    rival = async () => {
      const t = book.tasks.get(lost)!.task;
      const hash = await other.contracts.market.write.claim([lost, t], { account: other.walletClient!.account, chain: other.walletClient!.chain });
      await other.publicClient.waitForTransactionReceipt({ hash });
    };
    await sleep(3_000); // past the 2 s exclusive window: either task is anyone's to claim

    const logs: string[] = [];
    running.push(await startKeeper({ clients: mine, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 100, log: createLogger({ json: true, write: (l) => logs.push(l) }) }));
    const r = await waitForResult(requester, ids[0], { fromBlock, timeoutMs: 60_000 });
    assert.equal(r.keeper, mine.account!.address);
    assert.equal(rival, undefined, "the rival claimed in front of the batch");
    // the rival's claim came first (the keeper may take it over later, once it lapses unanswered)
    const claims = await requester.publicClient.getContractEvents({ abi: taskMarketAbi, address: fx.book.contracts.TaskMarket, eventName: "TaskClaimed", fromBlock });
    assert.equal(claims.find((c) => c.args.id === lost)!.args.keeper, other.account!.address);
    const events = logs.map((l) => JSON.parse(l) as { event: string; ids?: string; id?: string });
    assert.deepEqual(events.filter((e) => e.event === "claim.lost").map((e) => e.ids), [String(lost)]);
    assert.equal(events.find((e) => e.event === "task.claimed")!.ids, String(ids[0]), "the rest claimed in one more transaction");
    assert.equal(events.filter((e) => e.event === "claim.failed").length, 0, "no one-by-one claims");
  });
});

describe("keeper e2e: another keeper's claim lapses", function () {
  this.timeout(120_000);
  const running: Keeper[] = [];
  after(async () => {
    await Promise.all(running.map((k) => k.stop()));
  });

  it("the keeper takes it over with its own claim and bond, submits and finalizes it; the silent claimant pays the penalty", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const [{ key, c: mine }, { c: silent }] = [await stakedKeeper(chain, [fx.modelIds.mlp], 50n * PAR), await stakedKeeper(chain, [fx.modelIds.mlp], 50n * PAR)];
    const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const fromBlock = await requester.publicClient.getBlockNumber();
    const [id] = await postTasks(requester, fx.modelIds.mlp, [sampleBundle("mlp", 2, 7)], { fee: PAR / 10n });
    const book = createTaskBook(requester, { fromBlock });
    await sleep(3_000); // past the 2 s exclusive window: anyone eligible may claim
    await book.sync();
    const hash = await silent.contracts.market.write.claim([id, book.tasks.get(id)!.task], { account: silent.walletClient!.account, chain: silent.walletClient!.chain });
    await silent.publicClient.waitForTransactionReceipt({ hash });
    const silentStake = await silent.contracts.keepers.read.stakeOf([silent.account!.address]);

    running.push(await startKeeper({ clients: mine, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 100, log: quiet }));
    const r = await waitForResult(requester, id, { fromBlock, timeoutMs: 60_000 });
    assert.equal(r.keeper, mine.account!.address, "the keeper took the lapsed claim over");
    const lapsed = await requester.publicClient.getContractEvents({ abi: taskMarketAbi, address: fx.book.contracts.TaskMarket, eventName: "ClaimLapsed", fromBlock });
    assert.equal(lapsed.length, 1);
    assert.ok((await silent.contracts.keepers.read.stakeOf([silent.account!.address])) < silentStake, "the silent claimant paid the liveness penalty");
  });
});

describe("keeper e2e: a reorg replaces a task the keeper already ran", function () {
  this.timeout(120_000);
  const running: Keeper[] = [];
  after(async () => {
    await Promise.all(running.map((k) => k.stop()));
  });

  it("the keeper rescans, runs the task that now holds the id, and its result is that task's (not the cached one)", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const { key, c } = await stakedKeeper(chain, [fx.modelIds.silero], 50n * PAR);
    const [first, second] = [await fundedKey(conn, fx, 10n * PAR), await fundedKey(conn, fx, 10n * PAR)].map((k) => clientsFor(url, fx.book, k));
    const logs: string[] = [];
    running.push(await startKeeper({ clients: c, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 100, log: createLogger({ json: true, write: (l) => logs.push(l) }) }));

    const fromBlock = await first.publicClient.getBlockNumber();
    const snapshot = await conn.provider.request({ method: "evm_snapshot", params: [] });
    const id = await postTask(first, fx.modelIds.silero, sampleBundle("silero", 4, 1), { fee: PAR / 10n });
    const book = createTaskBook(first, { fromBlock });
    while ((await book.sync(), book.tasks.get(id)?.phase) !== "Submitted") await sleep(50);

    await conn.provider.request({ method: "evm_revert", params: [snapshot] }); // the post and the keeper's result are gone
    const b = sampleBundle("silero", 4, 2);
    assert.equal(await postTask(second, fx.modelIds.silero, b, { fee: PAR / 10n }), id, "the id now stands for another task");
    const r = await waitForResult(second, id, { fromBlock, timeoutMs: 60_000 });
    assert.equal(r.keeper, c.account!.address);
    const { session } = await loadSession(MODELS.silero.bytes());
    assert.equal(r.resultHash, (await runBundle(session, MODELS.silero, b)).resultHash);
    assert.match(logs.join("\n"), /"event":"chain.reorg"/);
  });
});

describe("keeper e2e: a keeper process killed mid-task resumes from chain state", function () {
  this.timeout(180_000);
  let child: ChildProcess | undefined;
  const running: Keeper[] = [];
  after(async () => {
    child?.kill("SIGKILL");
    await Promise.all(running.map((k) => k.stop()));
  });

  it("kill -9 after the claim, restart: the same keeper submits and the task finalizes; a second process agrees (no challenge)", async () => {
    const chain = await liveChain();
    const { conn, fx, url } = chain;
    const dir = mkdtempSync(path.join(tmpdir(), "par-crash-"));
    const { key, c } = await stakedKeeper(chain, [fx.modelIds.silero], 50n * PAR);
    const keystore = path.join(dir, "keystore.json");
    createKeystore(keystore, "pw", { privateKey: key, n: 1 << 12 });
    const bookFile = writeBook(fx.book);
    const spawnKeeper = () =>
      spawn(process.execPath, ["keepers/bin/par.js", "--rpc", url, "--addresses", bookFile, "--keystore", keystore, "--cache", path.join(dir, "cache"), "--json", "keeper", "run", "--workers", "1", "--poll", "100", "--status-every", "0"], {
        env: { ...process.env, PAR_PASSPHRASE: "pw" },
        stdio: ["ignore", "ignore", "pipe"],
      });
    const logs: string[] = [];
    child = spawnKeeper();
    child.stderr!.on("data", (d) => logs.push(String(d)));
    // a second, in-process keeper that never claims: its watchtower re-runs the first one's result
    const { key: otherKey, c: other } = await stakedKeeper(chain, [fx.modelIds.silero], 50n * PAR);
    running.push(await startKeeper({ clients: other, cacheDir, saltSecret: keccak256(otherKey), poolSize: 1, pollMs: 200, log: quiet, onlyTasks: () => false }));
    while (!logs.join("").includes("keeper.start")) await sleep(100);

    const requester = clientsFor(url, fx.book, await fundedKey(conn, fx, 10n * PAR));
    const fromBlock = await requester.publicClient.getBlockNumber();
    const id = await postTask(requester, fx.modelIds.silero, sampleBundle("silero", 4, 9), { fee: PAR / 10n });
    const book = createTaskBook(requester, { fromBlock });
    for (;;) {
      await book.sync();
      if (book.tasks.get(id)!.phase !== "Open") break;
      await sleep(20);
    }
    child.kill("SIGKILL");
    await once(child, "exit");
    await book.sync();
    const atKill = book.tasks.get(id)!.phase;
    assert.ok(atKill === "Claimed" || atKill === "Submitted", `killed while ${atKill}`);
    if (process.env.PAR_TEST_LOG) console.log(`killed while ${atKill}`);
    assert.equal(book.tasks.get(id)!.task.keeper, c.account!.address);

    child = spawnKeeper(); // restart: rebuilds its state from chain events
    child.stderr!.on("data", (d) => logs.push(String(d)));
    const r = await waitForResult(requester, id, { fromBlock, timeoutMs: 120_000, finalize: false });
    assert.equal(r.keeper, c.account!.address);
    assert.equal(keccak256(r.output), r.resultHash);
    const m = running[0].metrics.snapshot();
    assert.equal(m.par_checks_total, 1, "the second process re-ran the result");
    assert.equal(m.par_challenges_total ?? 0, 0, "and agreed with it (same canonical bytes)");
    assert.match(logs.join(""), /"event":"keeper.start"[\s\S]*"event":"keeper.start"/);
  });
});
