/**
 * The devnet as a user runs it: `deploy/devnet.ts` in a child process, on a free port and in a
 * folder of its own. One devnet runs through the tests in order (about two minutes): its command
 * lines, a keeper killed with kill -9, its clock after a minute, then a stop and a second run that
 * resumes, then a --fresh run that starts clean.
 */
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createPublicClient, http, type Abi, type Hex } from "viem";
import { attestorAbi, keeperRegistryAbi, taskMarketAbi } from "../keepers/src/abi.js";
import { freePort } from "./helpers/ports.js";
import { policyForward, type PolicyWeights } from "../keepers/policy/model/forward.js";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A devnet process and everything it has printed so far. */
type Devnet = { child: ChildProcess; out: () => string; exited: Promise<number | null> };

function startDevnet(args: string[]): Devnet {
  const child = spawn(process.execPath, ["--import", "tsx", "deploy/devnet.ts", ...args], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return { child, out: () => out, exited };
}

/** Waits until the devnet has printed a line matching `re`; returns the match. */
async function waitFor(devnet: Devnet, re: RegExp, timeoutMs: number, after = 0): Promise<RegExpMatchArray> {
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(250)) {
    const m = devnet.out().slice(after).match(re);
    if (m) return m;
  }
  throw new Error(`the devnet did not print ${re} within ${timeoutMs / 1000} s; it printed:\n${devnet.out().slice(-3000)}`);
}

/** Stops a devnet as Ctrl-C does and waits for it to exit; the processes it printed are killed if it hangs. */
async function stopDevnet(devnet: Devnet) {
  if (devnet.child.exitCode !== null) return;
  devnet.child.kill("SIGTERM");
  const code = await Promise.race([devnet.exited, sleep(60_000).then(() => "hung" as const)]);
  if (code !== "hung") return;
  for (const [, pid] of devnet.out().matchAll(/\(pid (\d+)\)/g)) {
    try {
      process.kill(-Number(pid), "SIGKILL");
    } catch {}
  }
  devnet.child.kill("SIGKILL");
}

/** The finalized count of the last summary line printed after offset `after`, or -1. */
function finalized(devnet: Devnet, after = 0): number {
  const all = [...devnet.out().slice(after).matchAll(/· finalized (\d+) ·/g)];
  return all.length ? Number(all.at(-1)![1]) : -1;
}

const lastSaved = (dir: string) => {
  const lines = readFileSync(path.join(dir, "chain.jsonl"), "utf8").trim().split("\n");
  return JSON.parse(lines.at(-1)!) as { number: number; hash: Hex };
};

describe("devnet", function () {
  this.timeout(180_000);
  const tmp = mkdtempSync(path.join(tmpdir(), "par-devnet-"));
  const dir = path.join(tmp, "devnet");
  let port: number;
  let devnet: Devnet;
  let runningAt: number;

  before(async () => {
    port = await freePort();
    devnet = startDevnet(["--port", String(port), "--dir", dir]);
    await waitFor(devnet, /network running/, 150_000);
    runningAt = Date.now();
  });

  after(async () => {
    if (devnet) await stopDevnet(devnet);
    rmSync(tmp, { recursive: true, force: true }); // logs and a model cache: megabytes per run
  });

  it("prints each keeper's exact command line, the one its process runs, and how to run one more keeper by hand", async () => {
    for (const name of ["keeper-1", "keeper-2"]) {
      const [, pid, line] = await waitFor(devnet, new RegExp(`\\[devnet\\] ${name} started \\(pid (\\d+)\\): (.*)`), 1_000);
      const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      const environ = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const words = line.split(" ");
      const env = words.filter((w) => /^[A-Z_]+=/.test(w));
      assert.deepEqual(words.slice(env.length).slice(1), argv.slice(1), `${name}'s printed arguments are the ones it runs`);
      assert.match(argv[0], /node$/);
      for (const kv of env) assert.ok(environ.includes(kv), `${name} runs with ${kv}`);
      assert.deepEqual(env.map((kv) => kv.split("=")[0]), ["PAR_RPC", "PAR_DEPLOYMENTS", "PAR_CACHE", "PAR_KEYSTORE", "PAR_PASSPHRASE"]);
      assert.deepEqual(words.slice(env.length, env.length + 5), ["node", "keepers/bin/par.js", "keeper", "run", "--status-every"]);
    }
    // The hand-run recipe works as printed: a third keeper's keystore, gas from the faucet, registration.
    const [, exports] = await waitFor(devnet, /\[devnet\] {3}export (.*)/, 1_000);
    const env = Object.fromEntries(exports.split(" ").map((kv) => kv.split("=") as [string, string]));
    assert.equal(env.PAR_KEYSTORE, path.join(dir, "keeper-3.keystore.json"));
    const steps = [...devnet.out().matchAll(/\[devnet\] {3}npx par (.*?)(?: +#.*)?$/gm)].map((m) => m[1]);
    assert.deepEqual(steps, ["keeper init", "faucet", "keeper stake 0 --models 1,2,3,4 --hardware cpu", "keeper run"]);
    for (const step of steps.slice(0, 3)) {
      await run(process.execPath, ["keepers/bin/par.js", ...step.split(" ")], { env: { ...process.env, ...env, PAR_PASSPHRASE: "pw" } });
    }
    const status = await run(process.execPath, ["keepers/bin/par.js", "--json", "keeper", "status"], { env: { ...process.env, ...env, PAR_PASSPHRASE: "pw" } });
    assert.equal(JSON.parse(status.stdout).registered, true);
  });

  it("serves the indexer's GraphQL over the devnet's own tasks, and the dApp with the devnet's addresses", async () => {
    const graphqlUrl = (await waitFor(devnet, /GraphQL at (http:\/\/\S+\/graphql)/, 10_000))[1]!;
    const dappUrl = (await waitFor(devnet, /dApp: (http:\/\/\S+)/, 10_000))[1]!;
    const book = JSON.parse(readFileSync(path.join(dir, "deployments/31337.json"), "utf8"));
    for (const until = Date.now() + 60_000; ; await sleep(1_000)) {
      const res = await fetch(graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ tasks { totalCount } }" }) }).catch(() => undefined);
      const total = res?.ok ? ((await res.json()) as { data?: { tasks: { totalCount: number } } }).data?.tasks.totalCount ?? 0 : 0;
      if (total > 0) break;
      assert.ok(Date.now() < until, "the indexer shows the agent's tasks within a minute");
    }
    const config = (await (await fetch(`${dappUrl}/paradigm.json`)).json()) as { chainId: number; rpcUrl: string; contracts: Record<string, string> };
    assert.deepEqual([config.chainId, config.rpcUrl, config.contracts.TaskMarket], [31337, `http://127.0.0.1:${port}`, book.contracts.TaskMarket]);
    assert.match(await (await fetch(dappUrl)).text(), /<div id="root">/, "the built index.html");
  });

  it("attests each keeper by a benchmark before it works, and posts canaries that keepers answer like any task", async () => {
    const book = JSON.parse(readFileSync(path.join(dir, "deployments/31337.json"), "utf8"));
    const accounts = JSON.parse(readFileSync(path.join(dir, "devnet.json"), "utf8")) as { keepers: { address: Hex }[]; canary: Hex };
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
    const [attestor, market] = [book.contracts.Attestor as Hex, book.contracts.TaskMarket as Hex];
    assert.ok(attestor, "the devnet deploys the Attestor");
    const events = (address: Hex, abi: Abi, eventName: string) =>
      client.getContractEvents({ address, abi, eventName, fromBlock: 0n }) as Promise<{ args: Record<string, unknown> }[]>;
    const attested = await events(book.contracts.KeeperRegistry, keeperRegistryAbi, "KeeperAttested");
    assert.deepEqual(
      attested.map((e) => (e.args.keeper as string).toLowerCase()).sort(),
      accounts.keepers.map((k) => k.address.toLowerCase()).sort(),
      "both keepers passed their benchmark",
    );
    const judged = await events(attestor, attestorAbi, "BenchmarkJudged");
    assert.ok(judged.length >= 2 && judged.every((e) => e.args.passed === true));
    // a canary: a task posted by the canary service, answered by a keeper and finalized with the committed answer
    for (const until = Date.now() + 90_000; ; await sleep(2_000)) {
      const posted = await events(market, taskMarketAbi, "TaskPosted");
      const canaryIds = new Set(posted.filter((e) => (e.args.requester as string).toLowerCase() === accounts.canary.toLowerCase()).map((e) => e.args.id));
      const finalizedIds = (await events(market, taskMarketAbi, "TaskFinalized")).map((e) => e.args.id);
      if (finalizedIds.some((id) => canaryIds.has(id))) break;
      assert.ok(Date.now() < until, `a canary finalized within 90 s (canaries posted: ${canaryIds.size})`);
    }
  });

  it("posts the policy task at each epoch's close; keepers run it and the genesis policy's decision is proposed", async () => {
    const book = JSON.parse(readFileSync(path.join(dir, "deployments/31337.json"), "utf8"));
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
    const market = book.contracts.TaskMarket as Hex;
    const weights = JSON.parse(readFileSync("keepers/policy/genesis-policy.json", "utf8")) as PolicyWeights;
    for (const until = Date.now() + 150_000; ; await sleep(2_000)) {
      const results = await client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "PolicyResult", fromBlock: 0n });
      const accepted = results.find((r) => r.args.accepted);
      if (accepted) {
        const [posted] = await client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "TaskPosted", args: { id: accepted.args.id }, fromBlock: 0n });
        assert.equal(posted!.args.requester!.toLowerCase(), market.toLowerCase(), "the protocol posted it");
        const measured = await client.getContractEvents({ address: market, abi: taskMarketAbi, eventName: "EpochMeasured", fromBlock: 0n });
        const on = measured.find((m) => m.args.policyTask === accepted.args.id)!;
        const decision = policyForward(weights, BigInt64Array.from(on.args.metrics!));
        assert.deepEqual([BigInt(accepted.args.multiplierBps!), accepted.args.minFeePerCU], [decision.multiplierBps, decision.minFeePerCU]);
        await waitFor(devnet, /policy tasks [1-9]\d* · policy for epoch \d+: \d+ bps/, 15_000); // the summary shows it
        break;
      }
      assert.ok(Date.now() < until, `a policy result was accepted within 150 s (${results.length} results so far)`);
    }
  });

  it("restarts a keeper killed with kill -9, says so in its log, and keeps finalizing tasks on the same chain", async () => {
    const [, pid] = await waitFor(devnet, /\[devnet\] keeper-1 started \(pid (\d+)\)/, 1_000);
    const [, chainPid] = await waitFor(devnet, /starting the chain on \S+ \(pid (\d+)\)/, 1_000);
    const killedAt = devnet.out().length;
    process.kill(Number(pid), "SIGKILL");
    await waitFor(devnet, /\[devnet\] keeper-1 exited \(SIGKILL\) after \d+ s; restarting it in 1 s \(restart 1; see .*keeper-1\.log\)/, 10_000, killedAt);
    const [, newPid] = await waitFor(devnet, /\[devnet\] keeper-1 restarted \(pid (\d+)\): PAR_RPC=/, 10_000, killedAt);
    assert.notEqual(newPid, pid);
    const before = finalized(devnet, killedAt);
    await waitFor(devnet, /· finalized \d+ ·/, 15_000, killedAt);
    const from = Math.max(before, finalized(devnet, killedAt));
    for (const until = Date.now() + 60_000; finalized(devnet) < from + 3 && Date.now() < until; ) await sleep(1_000);
    assert.ok(finalized(devnet) >= from + 3, `tasks kept finalizing after the restart (${from} → ${finalized(devnet)})`);
    process.kill(Number(chainPid), 0); // the chain, and with it every task, is still there
    process.kill(Number(newPid), 0);
    assert.doesNotMatch(devnet.out(), /stopping/);
  });

  it("mines like an L2: after a minute the chain's clock is within 3 s of the wall clock, and blocks hold several transactions", async () => {
    await sleep(Math.max(0, runningAt + 60_000 - Date.now()));
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
    const latest = await client.getBlock();
    const skew = Number(latest.timestamp) - Date.now() / 1000;
    assert.ok(Math.abs(skew) <= 3, `chain time − wall time = ${skew.toFixed(1)} s`);
    const counts = await Promise.all(
      Array.from({ length: Number(latest.number) }, (_, i) => client.getBlockTransactionCount({ blockNumber: BigInt(i + 1) })),
    );
    const shared = counts.filter((n) => n > 1).length;
    assert.ok(shared >= 3, `${shared} of ${counts.length} blocks hold more than one transaction`);
  });

  it("saves the chain when stopped; a plain second run says it resumes, rebuilds the same blocks and carries on", async () => {
    const before = finalized(devnet);
    devnet.child.kill("SIGTERM");
    assert.equal(await devnet.exited, 0);
    const saved = lastSaved(dir);
    devnet = startDevnet(["--port", String(port), "--dir", dir]);
    await waitFor(devnet, new RegExp(`\\[devnet\\] resuming the devnet saved in ${dir}: ${saved.number} blocks, \\d+ transactions, the last mined \\S+ \\(--fresh starts clean instead\\)`), 10_000);
    await waitFor(devnet, /network running/, 60_000);
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
    assert.equal((await client.getBlock({ blockNumber: BigInt(saved.number) })).hash, saved.hash);
    for (const until = Date.now() + 40_000; finalized(devnet) <= before && Date.now() < until; ) await sleep(1_000);
    assert.ok(finalized(devnet) > before, `tasks finalized after the resume (${before} before the stop, ${finalized(devnet)} now)`);
    await stopDevnet(devnet);
  });

  it("--resume with nothing saved refuses; --fresh says it starts clean and wipes what was saved", async () => {
    const refused = startDevnet(["--resume", "--port", String(port), "--dir", path.join(tmp, "empty")]);
    assert.equal(await refused.exited, 1);
    assert.match(refused.out(), /--resume: there is no complete saved devnet in \S+; run without --resume to start one/);
    assert.doesNotMatch(refused.out(), /starting the chain/);

    const genesis = JSON.parse(readFileSync(path.join(dir, "chain.jsonl"), "utf8").split("\n")[0]).genesis;
    devnet = startDevnet(["--fresh", "--port", String(port), "--dir", dir]);
    await waitFor(devnet, new RegExp(`\\[devnet\\] starting a fresh devnet in ${dir} \\(--fresh: anything saved there is wiped\\)`), 10_000);
    await waitFor(devnet, /deploying Paradigm/, 30_000);
    assert.equal(existsSync(path.join(dir, "devnet.json")), false);
    assert.notEqual(JSON.parse(readFileSync(path.join(dir, "chain.jsonl"), "utf8").split("\n")[0]).genesis.hash, genesis.hash);
    await stopDevnet(devnet);
  });
});
