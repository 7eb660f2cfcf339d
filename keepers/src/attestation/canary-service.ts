/**
 * The canary service (docs/market.md, "Attestation"): the holder of the Attestor's CANARY_ROLE,
 * appointed by governance (the founder's service on the devnet). It
 * - answers benchmark requests: a fresh random input of the requested model, whose answer it
 *   computes and commits before issuing it, then judges the keeper's answer;
 * - posts canaries at random intervals: ordinary zero-fee tasks of the genesis models with fresh
 *   random inputs, whose answers it commits right after posting (before any result can exist),
 *   and convicts a submitter whose result differs, within the challenge window.
 * It runs the models the same way keepers do (ONNX Runtime, CPU, one thread, canonical bytes).
 * Limit: it posts canaries from its own address, which a keeper could learn; rotating requester
 * keys is future work (docs/market.md).
 */
import { randomBytes } from "node:crypto";
import { parseEventLogs, toHex, type Hex } from "viem";
import { benchmarkCommitment, canaryKey } from "./commitments.js";
import type { ParadigmClients } from "../chain/client.js";
import { modelFile, signatureOf, specStruct } from "../chain/models.js";
import { postTask } from "../chain/requester.js";
import { createTaskBook } from "../chain/taskbook.js";
import { MODELS } from "../models.js";
import { createPool } from "../pool.js";
import { sampleBundle } from "../samples.js";
import { createLogger, errMsg, type Logger } from "../telemetry.js";

type Model = { key: string; path: string; sig: ReturnType<typeof signatureOf> };
type Secret = { answer: Hex; salt: Hex };

export type CanaryServiceOptions = {
  clients: ParadigmClients;
  cacheDir: string;
  log?: Logger;
  /** Mean seconds between canaries (each wait is drawn uniformly from half to one and a half of it); 0: none. */
  canaryEverySeconds?: number;
  pollMs?: number;
};


export async function startCanaryService(opts: CanaryServiceOptions) {
  const c = opts.clients;
  const attestor = c.contracts.attestor;
  if (!attestor || !c.walletClient) throw new Error("the canary service needs the Attestor in the address book and a key holding its CANARY_ROLE");
  const log = opts.log ?? createLogger();
  const tx = { account: c.walletClient.account, chain: c.walletClient.chain };
  const pool = createPool({ size: 1 });
  const models = await catalogModels(c, opts.cacheDir);
  const book = createTaskBook(c, { fromBlock: await c.publicClient.getBlockNumber(), dropClosed: true });
  const benchmarks = new Map<bigint, Secret & { keeper: Hex; deadline: number }>();
  const canaries = new Map<bigint, Secret>();
  let cursor = await c.publicClient.getBlockNumber();
  let nextCanary = Date.now() + wait(opts.canaryEverySeconds ?? 0);
  let stopped = false;

  const send = async (what: string, write: () => Promise<Hex>) => {
    const r = await c.publicClient.waitForTransactionReceipt({ hash: await write() });
    if (r.status !== "success") throw new Error(`${what} reverted (tx ${r.transactionHash})`);
    return r;
  };
  const run = async (m: Model, input: Uint8Array) => (await pool.run(m.path, m.sig, input)).resultHash;
  const fresh = (m: Model) => sampleBundle(m.key, 1, randomBytes(4).readUInt32LE());

  async function issueRequested() {
    const head = await c.publicClient.getBlockNumber();
    if (head <= cursor) return;
    const requested = await c.publicClient.getContractEvents({ address: attestor!.address, abi: attestor!.abi, eventName: "BenchmarkRequested", fromBlock: cursor + 1n, toBlock: head });
    cursor = head;
    for (const { args } of requested) {
      const { keeper, modelId } = args as { keeper: Hex; modelId: number };
      const m = models.get(modelId);
      if (!m) { log("benchmark.unsupported", { keeper, model: modelId }); continue; }
      const input = fresh(m);
      const secret = { answer: await run(m, input), salt: toHex(randomBytes(32)) };
      const r = await send("issueBenchmark", () => attestor!.write.issueBenchmark([keeper, toHex(input), benchmarkCommitment(keeper, secret.answer, secret.salt)], tx));
      const [issued] = parseEventLogs({ abi: attestor!.abi, logs: r.logs, eventName: "BenchmarkIssued" });
      benchmarks.set(issued.args.id, { ...secret, keeper, deadline: Number(issued.args.deadline) });
      log("benchmark.issued", { id: issued.args.id, keeper, model: modelId });
    }
  }

  async function judgeAnswered(now: number) {
    for (const [id, b] of benchmarks) {
      const answered = await c.publicClient.getContractEvents({ address: attestor!.address, abi: attestor!.abi, eventName: "BenchmarkAnswered", args: { id }, fromBlock: 0n });
      if (answered.length === 0 && now <= b.deadline) continue;
      benchmarks.delete(id);
      const r = await send("judgeBenchmark", () => attestor!.write.judgeBenchmark([id, b.answer, b.salt], tx));
      const [judged] = parseEventLogs({ abi: attestor!.abi, logs: r.logs, eventName: "BenchmarkJudged" });
      log("benchmark.judged", { id, keeper: b.keeper, passed: judged.args.passed });
    }
  }

  async function postCanary() {
    if (!opts.canaryEverySeconds || Date.now() < nextCanary) return;
    nextCanary = Date.now() + wait(opts.canaryEverySeconds);
    const [modelId, m] = [...models.entries()][Math.floor(Math.random() * models.size)];
    const input = fresh(m);
    const secret = { answer: await run(m, input), salt: toHex(randomBytes(32)) };
    const id = await postTask(c, modelId, input, { fee: 0n });
    canaries.set(id, secret); // committed before the earliest claim (postBlock + 2), so before any result
    await send("commitCanary", () => attestor!.write.commitCanary([canaryKey(id, secret.answer, secret.salt)], tx));
    log("canary.posted", { id, model: modelId });
  }

  async function convictLies() {
    await book.sync();
    for (const [id, s] of canaries) {
      const t = book.tasks.get(id);
      if (!t) { canaries.delete(id); continue; } // closed
      if (t.phase !== "Submitted") continue;
      canaries.delete(id);
      if (t.task.resultHash === s.answer) continue;
      await send("convict", () => attestor!.write.convict([id, t.task, s.answer, s.salt], tx));
      log("canary.convicted", { id, keeper: t.task.keeper, answer: s.answer, posted: t.task.resultHash });
    }
  }

  const done = (async () => {
    while (!stopped) {
      try {
        const now = Number((await c.publicClient.getBlock()).timestamp);
        await issueRequested();
        await judgeAnswered(now);
        await postCanary();
        await convictLies();
      } catch (e) {
        log("canary.error", { reason: errMsg(e) });
      }
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
    }
  })();

  return {
    done,
    async stop() {
      stopped = true;
      await done;
      await pool.close();
    },
  };
}

/** The approved genesis models this service can make inputs for (the SDK catalog's), by chain id. */
async function catalogModels(c: ParadigmClients, cacheDir: string): Promise<Map<number, Model>> {
  const out = new Map<number, Model>();
  const count = Number(await c.contracts.models.read.modelCount());
  const byHash = new Map(Object.entries(MODELS).map(([key, def]) => [specStruct(def).modelHash, key]));
  for (let id = 1; id <= count; id++) {
    const { model, path } = await modelFile(c, id, cacheDir).catch(() => ({ model: undefined, path: "" }));
    const key = model?.status === "Approved" ? byHash.get(model.modelHash) : undefined;
    if (model && key) out.set(id, { key, path, sig: signatureOf(model) });
  }
  return out;
}

const wait = (mean: number) => mean * 1000 * (0.5 + Math.random());
