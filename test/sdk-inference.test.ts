import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { keccak256 } from "viem";
import { pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { CommittedFetchError, fetchCommitted, fetchModel, ModelFetchError } from "../keepers/src/cache.js";
import { decodeCanonical } from "../keepers/src/canonical.js";
import { loadSession, runBundle } from "../keepers/src/inference.js";
import { buildLuma } from "../keepers/examples/luma.js";
import { MODELS, sha256 } from "../keepers/src/models.js";
import { createPool, InferenceCrashError } from "../keepers/src/pool.js";
import { sampleBundle } from "../keepers/src/samples.js";

const cacheDir = mkdtempSync(path.join(tmpdir(), "par-cache-"));

async function hashesInProcess(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(MODELS)) {
    const { session } = await loadSession(MODELS[key].bytes());
    out[key] = (await runBundle(session, MODELS[key], sampleBundle(key, 8, 42))).resultHash;
  }
  return out;
}

describe("keeper: inference, determinism, worker pool, model cache", function () {
  this.timeout(60_000);

  it("builds the in-code models byte-identically (stable sha256)", () => {
    assert.equal(sha256(MODELS.mlp.bytes()), sha256(MODELS.mlp.bytes()));
    assert.equal(sha256(MODELS.mlp.bytes()), "0x1c712042d8ff9acbf1d772ebd0b85f56140b9435fd7bece1e49147c462725c7d");
    assert.equal(sha256(MODELS.mixed.bytes()), "0x911bc17591c09f28ee6d21df14fcaa288421f941588452e24bbd5403825a9ba4");
    assert.equal(sha256(MODELS.silero.bytes()), "0xa35ebf52fd3ce5f1469b2a36158dba761bc47b973ea3382b3186ca15b1f5af28");
    // the committed files that the registry's npm: URIs point at are these builds
    assert.deepEqual(readFileSync("keepers/models/mlp.onnx"), Buffer.from(MODELS.mlp.bytes()));
    assert.deepEqual(readFileSync("keepers/models/mixed.onnx"), Buffer.from(MODELS.mixed.bytes()));
    // and docs/models.md's example, which is not a genesis model
    assert.equal(sha256(buildLuma()), "0xf74a1ec13f1b58ee35041973fbbb8ad9d916c8fc0103206b42900598d2a53384");
    assert.deepEqual(readFileSync("keepers/models/luma.onnx"), Buffer.from(buildLuma()));
  });

  it("commits to the same resultHash in two separate processes for every model", async () => {
    const script = path.resolve("test/fixtures/sdk-hashes.ts");
    const run = () => JSON.parse(execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8" }));
    const a = run();
    const b = run();
    assert.deepEqual(Object.keys(a).sort(), ["mixed", "mlp", "silero"]);
    assert.deepEqual(a, b);
    assert.deepEqual(await hashesInProcess(), a);
  });

  it("commits to the same bytes with 1 and 2 intra-op threads, over repeated runs, for every model", async () => {
    for (const key of Object.keys(MODELS)) {
      const m = MODELS[key];
      const one = (await loadSession(m.bytes(), { intraOpThreads: 1 })).session;
      const two = (await loadSession(m.bytes(), { intraOpThreads: 2 })).session;
      for (let seed = 1; seed <= 4; seed++) {
        const b = sampleBundle(key, key === "mlp" ? 256 : 4, seed);
        const ref = (await runBundle(one, m, b)).resultHash;
        assert.equal((await runBundle(one, m, b)).resultHash, ref, `${key} repeat`);
        assert.equal((await runBundle(two, m, b)).resultHash, ref, `${key} 2 threads`);
      }
    }
  });

  it("commits to the same resultHash as another CPU and ORT binding did (test/fixtures/cross-machine-commitments.json)", async () => {
    const { cases } = JSON.parse(readFileSync("test/fixtures/cross-machine-commitments.json", "utf8")) as {
      cases: { model: string; rows: number; seed: number; resultHash: string }[];
    };
    assert.equal(cases.length, 120);
    const sessions = new Map<string, Awaited<ReturnType<typeof loadSession>>["session"]>();
    const differ: string[] = [];
    for (const c of cases) {
      const m = MODELS[c.model];
      if (!sessions.has(c.model)) sessions.set(c.model, (await loadSession(m.bytes())).session);
      const got = (await runBundle(sessions.get(c.model)!, m, sampleBundle(c.model, c.rows, c.seed))).resultHash;
      if (got !== c.resultHash) differ.push(`${c.model} rows ${c.rows} seed ${c.seed}`);
    }
    assert.deepEqual(differ, [], "tasks whose commitment differs from the other machine's");
  });

  it("computes the mixed integer model exactly (int32 + uint8, int64 scale, float mean)", async () => {
    const m = MODELS.mixed;
    const { session } = await loadSession(m.bytes());
    const r = await runBundle(session, m, sampleBundle("mixed", 2, 3)); // k = seed = 3
    const [sum, scaled, mean] = decodeCanonical(m.outputs, r.canonical, m.outputDecimals);
    assert.deepEqual(sum.dims, [2, 8]);
    assert.deepEqual(scaled.values, (sum.values as number[]).map((v) => BigInt(v) * 3n));
    const row0 = (sum.values as number[]).slice(0, 8).reduce((a, b) => a + b, 0) / 8;
    assert.equal(mean.values[0], Math.round(row0 * 1e4) / 1e4);
  });

  it("runs tasks in worker threads with the same commitment as in-process, and reports bad input", async () => {
    const pool = createPool({ size: 2 });
    try {
      const file = await fetchModel(MODELS.mlp.uri, sha256(MODELS.mlp.bytes()), cacheDir);
      const { session } = await loadSession(MODELS.mlp.bytes());
      const bundles = [1, 2, 3, 4].map((s) => sampleBundle("mlp", 16, s));
      const got = await Promise.all(bundles.map((b) => pool.run(file, MODELS.mlp, b)));
      for (let i = 0; i < bundles.length; i++) {
        assert.equal(got[i].resultHash, (await runBundle(session, MODELS.mlp, bundles[i])).resultHash);
        assert.equal(got[i].provider, "cpu");
      }
      await assert.rejects(pool.run(file, MODELS.mlp, Uint8Array.of(1, 2, 1, 0, 0, 0, 5, 0, 0, 0)), /input "x": shape expected \[\?,4\], got \[1,5\]/);
      await assert.rejects(pool.run(file, MODELS.mixed, sampleBundle("mixed")), /model inputs: registry declares \[a,b,k\], the ONNX file has \[x\]/);
      // calls in one tick leave together per model; a bad task still fails alone
      const mixedFile = await fetchModel(MODELS.mixed.uri, sha256(MODELS.mixed.bytes()), cacheDir);
      const mixedSession = (await loadSession(MODELS.mixed.bytes())).session;
      const [a, bad, mixed, b] = await Promise.allSettled([
        pool.run(file, MODELS.mlp, bundles[0]),
        pool.run(file, MODELS.mlp, Uint8Array.of(1, 2, 1, 0, 0, 0, 5, 0, 0, 0)),
        pool.run(mixedFile, MODELS.mixed, sampleBundle("mixed", 3, 5)),
        pool.run(file, MODELS.mlp, bundles[1]),
      ]);
      assert.equal(a.status === "fulfilled" && a.value.resultHash, got[0].resultHash);
      assert.match(bad.status === "rejected" ? bad.reason.message : "", /input "x": shape expected/);
      assert.equal(mixed.status === "fulfilled" && mixed.value.resultHash, (await runBundle(mixedSession, MODELS.mixed, sampleBundle("mixed", 3, 5))).resultHash);
      assert.equal(b.status === "fulfilled" && b.value.resultHash, got[1].resultHash);
    } finally {
      await pool.close();
    }
  });

  it("commits to the same bytes pipelined over worker threads as in-process, per task, for every model", async () => {
    const pool = createPool({ size: 1 });
    try {
      for (const key of Object.keys(MODELS)) {
        const m = MODELS[key];
        const file = await fetchModel(m.uri, sha256(m.bytes()), cacheDir);
        const { session } = await loadSession(m.bytes());
        // 19 tasks cross the worker's hand-off size (8); a bad bundle in the middle fails alone
        const rows = key === "silero" ? 4 : 16;
        const batchA = Array.from({ length: 19 }, (_, i) => sampleBundle(key, 1 + (i % rows), 100 + i));
        const batchB = Array.from({ length: 5 }, (_, i) => sampleBundle(key, 2, 200 + i));
        batchA[9] = Uint8Array.of(9);
        const [a, b] = await Promise.all([pool.runBatch(file, m, batchA), pool.runBatch(file, m, batchB)]); // interleaved in the worker
        for (const [batch, got] of [[batchA, a], [batchB, b]] as const) {
          assert.equal(got.length, batch.length);
          for (let i = 0; i < batch.length; i++) {
            const r = got[i];
            if (batch === batchA && i === 9) {
              assert.match("error" in r ? r.error : "", /input: bundle holds 9 tensor\(s\)/);
              continue;
            }
            assert.ok(!("error" in r), `${key} task ${i}: ${"error" in r ? r.error : ""}`);
            const ref = await runBundle(session, m, batch[i]);
            assert.deepEqual(r.canonical, ref.canonical, `${key} task ${i} canonical bytes`);
            assert.equal(r.resultHash, ref.resultHash, `${key} task ${i}`);
            assert.ok(r.ms > 0);
          }
        }
      }
    } finally {
      await pool.close();
    }
  });

  it("runs a task that arrives during a large lot before the lot ends (requests take turns at the runner)", async () => {
    const pool = createPool({ size: 1 });
    try {
      const m = MODELS.silero;
      const file = await fetchModel(m.uri, sha256(m.bytes()), cacheDir);
      await pool.warm(file, m);
      const lot = Array.from({ length: 160 }, (_, i) => sampleBundle("silero", 4, 300 + i)); // 20 hand-offs
      const order: string[] = [];
      const lotDone = pool.runBatch(file, m, lot).then((rs) => (order.push("lot"), rs));
      await new Promise((r) => setImmediate(r)); // a later request, as a newly claimed task would be
      const single = await pool.run(file, m, lot[150]).then((r) => (order.push("single"), r));
      const rs = await lotDone;
      assert.deepEqual(order, ["single", "lot"]);
      const same = rs[150];
      assert.ok(!("error" in same));
      assert.equal(single.resultHash, same.resultHash);
      assert.equal(rs.filter((r) => "error" in r).length, 0);
    } finally {
      await pool.close();
    }
  });

  it("replaces a worker that exits mid-lot: its tasks fail as crashed (not their fault) and run again on a fresh worker", async () => {
    const workers: Worker[] = [];
    const seen = (w: Worker) => w.threadName === "par-inference" && workers.push(w);
    process.on("worker", seen);
    const logs: string[] = [];
    const pool = createPool({ size: 1, onLog: (l) => logs.push(l) });
    try {
      const m = MODELS.silero;
      const file = await fetchModel(m.uri, sha256(m.bytes()), cacheDir);
      await pool.warm(file, m);
      const lot = Array.from({ length: 160 }, (_, i) => sampleBundle("silero", 4, 500 + i));
      const lotDone = pool.runBatch(file, m, lot);
      const single = pool.run(file, m, lot[7]);
      await new Promise((r) => setImmediate(r));
      assert.equal(workers.length, 1);
      workers[0].postMessage({ close: true }); // the worker goes away between two tasks, as if it had crashed
      const rs = await lotDone;
      assert.equal(rs.length, 160);
      for (const r of rs) assert.ok("error" in r && r.crashed && /inference worker exited \(code 0\)/.test(r.error), JSON.stringify(r));
      await assert.rejects(single, (e) => e instanceof InferenceCrashError && /inference worker exited/.test(e.message));
      assert.match(logs.join("\n"), /inference worker exited \(code 0\); the next task starts a fresh one/);
      const again = await pool.run(file, m, lot[7]);
      const { session } = await loadSession(m.bytes());
      assert.equal(again.resultHash, (await runBundle(session, m, lot[7])).resultHash);
      assert.equal(workers.length, 2, "a fresh worker took its place");
    } finally {
      process.off("worker", seen);
      await pool.close();
    }
  });

  it("closes while a lot runs without aborting the process (onnxruntime-node aborts if a thread is terminated mid-run)", async () => {
    const pool = createPool({ size: 1 });
    const m = MODELS.silero;
    const file = await fetchModel(m.uri, sha256(m.bytes()), cacheDir);
    await pool.warm(file, m);
    const lot = pool.runBatch(file, m, Array.from({ length: 160 }, (_, i) => sampleBundle("silero", 4, 700 + i)));
    await new Promise((r) => setTimeout(r, 20));
    await pool.close();
    await assert.rejects(lot, /inference pool closed/);
    await assert.rejects(pool.run(file, m, sampleBundle("silero", 4, 1)), /inference pool is closed/);
  });

  it("reports an unloadable model on warm-up and per task, and keeps serving other models", async () => {
    const pool = createPool({ size: 1 });
    try {
      const bad = path.join(cacheDir, "not-a-model.onnx");
      writeFileSync(bad, "not onnx");
      await assert.rejects(pool.warm(bad, MODELS.mlp), /cannot load model/);
      const [r] = await pool.runBatch(bad, MODELS.mlp, [sampleBundle("mlp")]);
      assert.match("error" in r ? r.error : "", /cannot load model/);
      const file = await fetchModel(MODELS.mlp.uri, sha256(MODELS.mlp.bytes()), cacheDir);
      await pool.warm(file, MODELS.mlp);
      assert.equal((await pool.run(file, MODELS.mlp, sampleBundle("mlp"))).provider, "cpu");
    } finally {
      await pool.close();
    }
  });

  it("falls back to CPU with a log line when CUDA cannot start", async () => {
    const logs: string[] = [];
    const { provider } = await loadSession(MODELS.mlp.bytes(), { provider: "cuda", onLog: (m) => logs.push(m) });
    if (provider === "cpu") assert.match(logs.join("\n"), /CUDA execution provider unavailable .*falling back to CPU/);
    else assert.equal(logs.length, 0);
  });

  it("fetches models by data:, file: and npm: URIs and verifies sha256", async () => {
    const mlpHash = sha256(MODELS.mlp.bytes());
    const p1 = await fetchModel(MODELS.mlp.uri, mlpHash, cacheDir);
    assert.equal(path.basename(p1), mlpHash.slice(2) + ".onnx");
    const dataUri = `data:application/octet-stream;base64,${Buffer.from(MODELS.mixed.bytes()).toString("base64")}`;
    await fetchModel(dataUri, sha256(MODELS.mixed.bytes()), mkdtempSync(path.join(tmpdir(), "par-cache-")));
    const f = path.join(cacheDir, "mixed-src.onnx");
    writeFileSync(f, MODELS.mixed.bytes());
    await fetchModel(pathToFileURL(f).href, sha256(MODELS.mixed.bytes()), cacheDir);
    await fetchModel(MODELS.silero.uri, sha256(MODELS.silero.bytes()), cacheDir);
  });

  it("refuses a model whose bytes do not match the on-chain hash, or that cannot be fetched", async () => {
    const wrong = "0x" + "11".repeat(32);
    await assert.rejects(fetchModel(MODELS.mlp.uri, wrong, cacheDir), (e: Error) => e instanceof ModelFetchError && /sha256 mismatch: registry says 0x1111.*refusing to use it/.test(e.message));
    await assert.rejects(fetchModel("file:///nonexistent/model.onnx", wrong, cacheDir), /cannot fetch: ENOENT/);
    await assert.rejects(fetchModel("http://127.0.0.1:9/model.onnx", wrong, cacheDir, 2000), /cannot fetch/);
    await assert.rejects(fetchModel("ipfs://Qm123", wrong, cacheDir), /unsupported URI scheme "ipfs:"/);
  });

  it("fetches a task input by URI: checks its keccak256 and size, and says which check failed", async () => {
    const input = sampleBundle("mlp", 2, 5);
    const big = new Uint8Array(4096);
    const server = createServer((req, res) => {
      if (req.url === "/input") return res.end(input);
      if (req.url === "/chunked") { res.write(big.subarray(0, 2048)); return res.end(big.subarray(2048)); } // no content-length
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      assert.deepEqual(new Uint8Array(await fetchCommitted("input", `${base}/input`, keccak256(input), input.length)), input);
      const file = path.join(cacheDir, "input.bin");
      writeFileSync(file, input);
      assert.deepEqual(new Uint8Array(await fetchCommitted("input", pathToFileURL(file).href, keccak256(input), 1000)), input);
      await assert.rejects(fetchCommitted("input", `${base}/input`, keccak256(big), 1000), /keccak256 mismatch: the chain committed 0x[0-9a-f]{64}, the fetched bytes hash to 0x/);
      await assert.rejects(fetchCommitted("input", `${base}/input`, keccak256(input), input.length - 1), new RegExp(`cannot fetch: more than ${input.length - 1} bytes`));
      await assert.rejects(fetchCommitted("input", `${base}/chunked`, keccak256(big), 1000), /cannot fetch: more than 1000 bytes/);
      await assert.rejects(fetchCommitted("input", pathToFileURL(file).href, keccak256(input), 10), /cannot fetch: more than 10 bytes/);
      await assert.rejects(fetchCommitted("input", `${base}/gone`, keccak256(input), 1000), (e) => e instanceof CommittedFetchError && !e.retryable && /cannot fetch: HTTP 404/.test(e.message));
      await assert.rejects(fetchCommitted("input", `${base}/input`, keccak256(big), 1000), (e) => e instanceof CommittedFetchError && !e.retryable);
      await assert.rejects(fetchCommitted("input", "http://127.0.0.1:9/input", keccak256(input), 1000, 2000), (e) => e instanceof CommittedFetchError && e.retryable && /cannot fetch/.test(e.message));
    } finally {
      server.close();
    }
  });
});
