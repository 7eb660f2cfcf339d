/**
 * The keeper's side of attestation (docs/market.md, "Attestation"): while the registry has an
 * attestor and this keeper is not attested, it asks for a benchmark of a model it serves, runs the
 * benchmark's input like any task and answers its result hash within its declared time. Once the
 * canary service judges the answer right, the registry makes the keeper active. Canaries need
 * nothing here: they are ordinary tasks.
 */
import { hexToBytes, type Address } from "viem";
import type { ParadigmClients } from "../chain/client.js";
import { signatureOf } from "../chain/models.js";
import type { InferencePool } from "../pool.js";
import type { ServedModel } from "../served.js";
import { errMsg, type Logger } from "../telemetry.js";

/** Seconds a keeper declares it needs to answer a benchmark, by default. */
export const DECLARED_SECONDS = 60;

export type BenchmarkTaker = {
  /** Whether the keeper is attested (or no attestor is set): only then may it claim, challenge or serve on juries. */
  attested(): boolean;
  /** One step: checks attestation, asks for a benchmark, answers one that was issued. */
  step(now: number): Promise<void>;
};

export function createBenchmarkTaker(opts: {
  clients: ParadigmClients;
  me: Address;
  served: Map<number, ServedModel>;
  pool: InferencePool;
  log: Logger;
  send: (what: string, write: () => Promise<`0x${string}`>) => Promise<unknown>;
  declaredSeconds?: number;
}): BenchmarkTaker {
  const { clients: c, me, served, pool, log, send } = opts;
  const attestor = c.contracts.attestor;
  const declared = opts.declaredSeconds ?? DECLARED_SECONDS;
  let attested = !attestor;
  let requestedAt = 0; // chain time of the last request: asked again once it must have lapsed
  let fromBlock = 0n;
  const answered = new Set<bigint>();

  async function step(now: number) {
    if (attested || !attestor) return;
    if (await c.contracts.keepers.read.isAttested([me])) {
      attested = true;
      log("keeper.attested", { keeper: me });
      return;
    }
    const [modelId, model] = [...served.entries()][0] ?? [];
    if (modelId === undefined || !model) return; // serves nothing it can run (yet)
    if (now > requestedAt + 2 * declared + 60) {
      fromBlock = await c.publicClient.getBlockNumber();
      await send("requestBenchmark", () => attestor.write.requestBenchmark([modelId, declared], tx()));
      requestedAt = now;
      log("benchmark.requested", { model: modelId, declaredSeconds: declared });
    }
    const issued = await c.publicClient.getContractEvents({ address: attestor.address, abi: attestor.abi, eventName: "BenchmarkIssued", args: { keeper: me }, fromBlock });
    for (const { args } of issued) {
      const { id, modelId: mid, deadline, input } = args as { id: bigint; modelId: number; deadline: number; input: `0x${string}` };
      if (answered.has(id) || now > Number(deadline)) continue;
      answered.add(id);
      const m = served.get(mid);
      if (!m) continue;
      try {
        const r = await pool.run(m.path, signatureOf(m.model), hexToBytes(input));
        await send("answerBenchmark", () => attestor.write.answerBenchmark([id, r.resultHash], tx()));
        log("benchmark.answered", { id, model: mid, ms: Math.round(r.ms) });
      } catch (e) {
        log("benchmark.failed", { id, reason: errMsg(e) });
      }
    }
  }

  const tx = () => ({ account: c.walletClient!.account, chain: c.walletClient!.chain });
  return { attested: () => attested, step };
}
