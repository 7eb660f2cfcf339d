/**
 * The policy's figures on the network simulator (keepers/policy/sim/index.ts), against the
 * constant baseline (multiplier 10,000 bps, the deployed fee floor) in the same scenarios:
 * useful CU per PAR emitted, the largest adversary strategy profit, and the top entity's share of
 * year-one emission. `npm run policy:train` optimises them on the training scenarios; the
 * held-out table (docs/policy.md) and bench/policy.bench.ts report them on the held-out ones.
 *
 * An adversary's *strategy profit* is what its strategy gains over behaving honestly: its net
 * income in the scenario (SimOutcome.adversaryProfit) minus its net income in the scenario's
 * honest counterfactual for it (`honestCounterfactual`), under the same policy and seed.
 *
 * `node --import tsx keepers/policy/evaluate.ts` prints the held-out table for genesis-policy.json.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { policyForward, type PolicyWeights } from "./model/forward.js";
import { runScenario, type Policy } from "./sim/index.js";
import { loadScenario, type KeeperPopulation, type Scenario } from "./sim/scenario.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCENARIO_DIR = path.join(here, "scenarios");
export const GENESIS_WEIGHTS = path.join(here, "genesis-policy.json");
export const HELD_OUT = ["boom", "bust", "sybil-genesis", "wash-ring", "liar-cartel"] as const;
export const PAR = 10n ** 8n;

export const readWeights = (file = GENESIS_WEIGHTS): PolicyWeights => JSON.parse(readFileSync(file, "utf8"));

/** The scenarios of a set, in file-name order. */
export function loadScenarios(set: "train" | "held-out"): Scenario[] {
  const dir = path.join(SCENARIO_DIR, set);
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => loadScenario(path.join(dir, f)));
}

export const heldOutScenarios = (): Scenario[] => HELD_OUT.map((n) => loadScenario(path.join(SCENARIO_DIR, "held-out", `${n}.json`)));

/** The policy network as the simulator's policy. */
export const weightsPolicy = (w: PolicyWeights): Policy => (input) => policyForward(w, input);

/** The adversary entity a keeper population belongs to (world.ts), or null for honest keepers. */
const entityOf = (k: KeeperPopulation) => k.entity ?? (k.behavior === "honest" ? null : k.name);

/**
 * `s` with adversary `entity` behaving honestly, on the same hardware and stake: its keepers
 * answer, show up and challenge as honest keepers do, from ONE address holding their combined
 * stake and throughput (cost per CU their throughput-weighted mean: what splitting into many
 * addresses gains is counted as strategy), and its requesters post no self-dealing tasks (it
 * keeps serving real demand). Everything else, the seed included, is unchanged.
 */
export function honestCounterfactual(s: Scenario, entity: string): Scenario {
  const own = s.keepers.filter((k) => entityOf(k) === entity);
  const requesters = s.requesters.filter((r) => r.entity !== entity);
  if (own.length === 0) return { ...s, requesters };
  const cu = own.reduce((a, k) => a + BigInt(k.throughputCU) * BigInt(k.count), 0n);
  const merged: KeeperPopulation = {
    name: entity,
    count: Math.min(1, own.reduce((a, k) => a + k.count, 0)),
    maxCount: 1,
    joinEpoch: Math.min(...own.map((k) => k.joinEpoch)),
    stake: own.reduce((a, k) => a + k.stake * BigInt(k.count), 0n),
    models: [...new Set(own.flatMap((k) => k.models))],
    throughputCU: Number(cu),
    costPerCU: cu === 0n ? 0n : own.reduce((a, k) => a + k.costPerCU * BigInt(k.throughputCU) * BigInt(k.count), 0n) / cu,
    behavior: "honest",
    rateBps: 0,
    entity,
  };
  const keepers = s.keepers.flatMap((k) => (k === own[0] ? [merged] : own.includes(k) ? [] : [k]));
  return { ...s, requesters, keepers };
}

/** What one run scores. */
export type RunFigures = {
  usefulCU: bigint;
  emitted: bigint;
  /** useful CU per whole PAR emitted (a float, for ratios and tables) */
  cuPerPAR: number;
  /** the largest strategy profit of an adversary entity, in base units (≤ 0: no strategy pays), and that entity */
  maxAdversaryProfit: bigint;
  topAdversary: string;
  /** the entity (sybils, cartels, rings as one) with the largest share of year-one emission, and that share in bps */
  topEntity: string;
  topShareBps: bigint;
  /** PAR minted for year one's epochs */
  yearOneEmitted: bigint;
  /** epochs simulated for these figures (the honest counterfactuals included) */
  epochsRun: number;
};

/** Runs `s` under `policy`, and each adversary's honest counterfactual for its strategy profit. */
export function runFigures(s: Scenario, policy: Policy | null): RunFigures {
  const o = runScenario(s, policy);
  let maxAdversaryProfit: bigint | null = null;
  let topAdversary = "";
  for (const [entity, income] of o.adversaryProfit) {
    const honest = runScenario(honestCounterfactual(s, entity), policy).adversaryProfit.get(entity) ?? 0n;
    if (maxAdversaryProfit === null || income - honest > maxAdversaryProfit) (maxAdversaryProfit = income - honest), (topAdversary = entity);
  }
  const perYear = Number((365n * 86_400n) / s.params.epochLength);
  const per = new Map<string, bigint>();
  for (const t of o.epochs) {
    if (t.epoch >= perYear) break;
    for (const [e, v] of t.entityEmission) per.set(e, (per.get(e) ?? 0n) + v);
  }
  let total = 0n;
  let topEntity = "";
  let top = 0n;
  for (const [e, v] of per) {
    total += v;
    if (v > top) (top = v), (topEntity = e);
  }
  return {
    usefulCU: o.usefulCU,
    emitted: o.emitted,
    cuPerPAR: o.emitted === 0n ? 0 : Number((o.usefulCU * PAR * 1_000_000n) / o.emitted) / 1_000_000,
    maxAdversaryProfit: maxAdversaryProfit ?? 0n,
    topAdversary,
    topEntity,
    topShareBps: total === 0n ? 0n : (top * 10_000n) / total,
    yearOneEmitted: total,
    epochsRun: s.epochs * (1 + o.adversaryProfit.size),
  };
}

export type Comparison = { scenario: string; policy: RunFigures; baseline: RunFigures; epochs: number; ratio: number };

/** Policy vs constant baseline in each scenario. */
export function compare(w: PolicyWeights, scenarios: Scenario[]): Comparison[] {
  const policy = weightsPolicy(w);
  return scenarios.map((s) => {
    const p = runFigures(s, policy);
    const b = runFigures(s, null);
    return { scenario: s.name, policy: p, baseline: b, epochs: s.epochs, ratio: b.cuPerPAR === 0 ? 0 : p.cuPerPAR / b.cuPerPAR };
  });
}

/** The bench's summary of a comparison: the mean ratio, the largest strategy profit (PAR) and top share. */
export function summary(rows: Comparison[]) {
  return {
    usefulWorkPerPAR: rows.reduce((a, r) => a + r.ratio, 0) / rows.length,
    maxProfitPAR: Number(rows.reduce((m, r) => (r.policy.maxAdversaryProfit > m ? r.policy.maxAdversaryProfit : m), -(1n << 255n))) / 1e8,
    topEntityShareMaxBps: Number(rows.reduce((m, r) => (r.policy.topShareBps > m ? r.policy.topShareBps : m), 0n)),
  };
}

const fmtPAR = (v: bigint) => (Number(v) / 1e8).toLocaleString("en-US", { maximumFractionDigits: 0 });
/** A strategy profit and whose it is ("—" without adversaries). */
const fmtProfit = (f: RunFigures) => (f.topAdversary === "" ? "—" : `${fmtPAR(f.maxAdversaryProfit)} (${f.topAdversary})`);

/** A markdown table of a comparison (docs/policy.md). */
export function table(rows: Comparison[]): string {
  const out = [
    "| scenario | useful CU / PAR, policy | baseline | ratio | max strategy profit (PAR), policy | baseline | top entity share (bps), policy | baseline |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    out.push(
      `| ${r.scenario} | ${r.policy.cuPerPAR.toPrecision(4)} | ${r.baseline.cuPerPAR.toPrecision(4)} | ${r.ratio.toFixed(3)} | ${fmtProfit(r.policy)} | ${fmtProfit(r.baseline)} | ${r.policy.topShareBps} | ${r.baseline.topShareBps} |`,
    );
  }
  const s = summary(rows);
  out.push(`| **all** | | | **${s.usefulWorkPerPAR.toFixed(3)}** (mean) | **${s.maxProfitPAR.toLocaleString("en-US", { maximumFractionDigits: 0 })}** (max) | | **${s.topEntityShareMaxBps}** (max) | |`);
  return out.join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const set = process.argv[2] === "train" ? "train" : "held-out";
  const rows = compare(readWeights(), set === "train" ? loadScenarios("train") : heldOutScenarios());
  console.log(table(rows));
}
