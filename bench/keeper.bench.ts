/**
 * Keeper figures (docs/keeper.md explains each):
 * - keeper.raw.rowsPerSec: bare ONNX Runtime (CPU, 1 intra-op thread) on Silero VAD, 4 frames of
 *   512 samples per task, tensors prepared in advance;
 * - keeper.pipeline.rowsPerSec: the same tasks through the keeper path: tensor bundle decode and
 *   validation, inference, canonicalisation, keccak commitment (a pool of 1 worker: one
 *   inference thread, the other stages overlapped on a second; 16 tasks per batch, 2 batches in
 *   flight); keeper.pipeline.ratio = pipeline / raw (goal >= 0.95). Best of 9 interleaved trials.
 * - keeper.devnet.tasksFinalizedPerSec: 2 in-process keepers on a fresh EDR chain mined like the
 *   devnet (a block a second, no automine; the challenge window at its floor, SAFE_WINDOWS: 2 s before the floor existed), 120 MLP tasks posted in batches
 *   of 30; tasks finalized per second from the first post to the last finalize;
 * - keeper.postToSubmit.p50/p99: offered load 4 tasks/s (one task per post tx) for 10 s; ms from
 *   the post's receipt until the requester sees ResultSubmitted (polling every 25 ms).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { keccak256 } from "viem";
import { fetchModel } from "../keepers/src/cache.js";
import { deposit, postTask, postTasks } from "../keepers/src/chain/requester.js";
import { createTaskBook } from "../keepers/src/chain/taskbook.js";
import { loadSession, runTensors } from "../keepers/src/inference.js";
import { startKeeper } from "../keepers/src/keeper/index.js";
import { MODELS, sha256 } from "../keepers/src/models.js";
import { createPool } from "../keepers/src/pool.js";
import { sampleBundle, sampleTensors } from "../keepers/src/samples.js";
import { createLogger } from "../keepers/src/telemetry.js";
import { clientsFor, deploySdkChain, fundedKey, registerKeeper, serveRpc } from "../test/helpers/sdk-chain.js";
import type { BenchRow, BenchSuite } from "./types.js";

const PAR = 10n ** 8n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function inferenceRows(): Promise<BenchRow[]> {
  const m = MODELS.silero;
  const rows = 4;
  const tasks = 16;
  const rounds = 24;
  const cache = mkdtempSync(path.join(tmpdir(), "par-bench-"));
  const file = await fetchModel(m.uri, sha256(m.bytes()), cache);
  const tensors = Array.from({ length: tasks }, (_, i) => sampleTensors("silero", rows, i + 1));
  const bundles = Array.from({ length: tasks }, (_, i) => sampleBundle("silero", rows, i + 1));
  const { session } = await loadSession(file);
  const pool = createPool({ size: 1 });
  const raw = async () => {
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const t of tensors) await runTensors(session, m, t);
    return (rounds * tasks * rows) / ((performance.now() - t0) / 1000);
  };
  const pipe = async () => {
    const t0 = performance.now();
    await Promise.all([0, 1].map(async () => { for (let r = 0; r < rounds / 2; r++) await pool.runBatch(file, m, bundles); }));
    return (rounds * tasks * rows) / ((performance.now() - t0) / 1000);
  };
  await raw(); await pipe(); // warm up
  // Interleave short trials and keep the best of 9 of each: a shared VM's vCPUs change speed
  // from one second to the next, so a single long trial measures the host as much as the code.
  let bestRaw = 0, bestPipe = 0;
  for (let i = 0; i < 9; i++) {
    bestRaw = Math.max(bestRaw, await raw());
    bestPipe = Math.max(bestPipe, await pipe());
  }
  await pool.close();
  return [
    { name: "keeper.raw.rowsPerSec", value: Math.round(bestRaw), unit: "rows/s" },
    { name: "keeper.pipeline.rowsPerSec", value: Math.round(bestPipe), unit: "rows/s" },
    { name: "keeper.pipeline.ratio", value: Number((bestPipe / bestRaw).toFixed(3)), unit: "ratio" },
  ];
}

const suite: BenchSuite = async (connection) => {
  const rows = await inferenceRows();
  const fx = await deploySdkChain(connection);
  const { url, server } = await serveRpc(connection);
  await connection.provider.request({ method: "evm_setIntervalMining", params: [1000] });
  const cacheDir = mkdtempSync(path.join(tmpdir(), "par-bench-"));
  const log = createLogger({ quiet: true });
  const keepers = [];
  for (let i = 0; i < 2; i++) {
    const key = await fundedKey(connection, fx, 1000n * PAR);
    const c = clientsFor(url, fx.book, key);
    await registerKeeper(c, [fx.modelIds.mlp], 900n * PAR);
    keepers.push(await startKeeper({ clients: c, cacheDir, saltSecret: keccak256(key), poolSize: 1, pollMs: 100, sampleRate: 0, log }));
  }
  const requester = clientsFor(url, fx.book, await fundedKey(connection, fx, 100n * PAR));
  // Fees come from a deposit: posts in flight side by side would otherwise sign permits with the
  // same token nonce, and all but one revert (ERC20InsufficientAllowance) whenever a post takes
  // longer than the 250 ms between posts.
  await deposit(requester, 100n * PAR);
  const fee = PAR / 100n;
  // From here on the chain mines as the devnet and an L2 do: a block a second holding every
  // transaction sent in that second, nothing mined on arrival.
  await connection.provider.request({ method: "evm_setAutomine", params: [false] });

  // throughput: 120 tasks in 4 batches
  const from = await requester.publicClient.getBlockNumber();
  const book = createTaskBook(requester, { fromBlock: from });
  const t0 = performance.now();
  const ids: bigint[] = [];
  for (let b = 0; b < 4; b++) ids.push(...(await postTasks(requester, fx.modelIds.mlp, Array.from({ length: 30 }, (_, i) => sampleBundle("mlp", 8, b * 30 + i + 1)), { fee })));
  for (;;) {
    await book.sync();
    if (ids.every((id) => book.tasks.get(id)?.phase === "Finalized")) break;
    if (performance.now() - t0 > 120_000) throw new Error("devnet bench: tasks did not finalize in 120 s");
    await sleep(100);
  }
  const finalizedPerSec = ids.length / ((performance.now() - t0) / 1000);

  // latency at an offered load of 4 tasks/s for 10 s
  const latencies: number[] = [];
  const pending = new Map<bigint, number>();
  const watcher = (async () => {
    for (;;) {
      await book.sync();
      for (const [id, at] of pending) {
        const p = book.tasks.get(id)?.phase;
        if (p && p !== "Open" && p !== "Claimed") { latencies.push(performance.now() - at); pending.delete(id); }
      }
      if (pending.size === 0 && latencies.length >= 40) return;
      await sleep(25);
    }
  })();
  const posts: Promise<void>[] = [];
  for (let i = 0; i < 40; i++) {
    posts.push(postTask(requester, fx.modelIds.mlp, sampleBundle("mlp", 8, 1000 + i), { fee }).then((id) => void pending.set(id, performance.now())));
    await sleep(250);
  }
  await Promise.all(posts);
  await watcher;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]);

  await Promise.all(keepers.map((k) => k.stop()));
  server.close();
  return [
    ...rows,
    { name: "keeper.devnet.tasksFinalizedPerSec", value: Number(finalizedPerSec.toFixed(2)), unit: "tasks/s" },
    { name: "keeper.postToSubmit.p50", value: pct(50), unit: "ms" },
    { name: "keeper.postToSubmit.p99", value: pct(99), unit: "ms" },
  ];
};
export default suite;
