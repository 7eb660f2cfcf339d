/**
 * The policy's figures on the network simulator (keepers/policy/sim/index.ts), against the
 * constant baseline (multiplier 10,000 bps, the deployed fee floor) in the same scenarios:
 * useful CU per PAR emitted, the largest adversary profit, and the top entity's share of year-one
 * emission. `npm run policy:train` optimises them on the training scenarios; the held-out table
 * (docs/policy.md) and bench/policy.bench.ts report them on the held-out ones.
 *
 * `node --import tsx keepers/policy/evaluate.ts` prints the held-out table for genesis-policy.json.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { policyForward, type PolicyWeights } from "./model/forward.js";
import { runScenario, type Policy, type SimOutcome } from "./sim/index.js";
import { loadScenario, type Scenario } from "./sim/scenario.js";

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

/** What one run scores. */
export type RunFigures = {
  usefulCU: bigint;
  emitted: bigint;
  /** useful CU per whole PAR emitted (a float, for ratios and tables) */
  cuPerPAR: number;
  /** the largest profit of an adversary entity, in base units (≤ 0: no adversary profits) */
  maxAdversaryProfit: bigint;
  /** the entity (sybils, cartels, rings as one) with the largest share of year-one emission, and that share in bps */
  topEntity: string;
  topShareBps: bigint;
  /** PAR minted for year one's epochs */
  yearOneEmitted: bigint;
};

export function figures(o: SimOutcome, s: Scenario): RunFigures {
  let maxAdversaryProfit: bigint | null = null;
  for (const v of o.adversaryProfit.values()) if (maxAdversaryProfit === null || v > maxAdversaryProfit) maxAdversaryProfit = v;
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
    topEntity,
    topShareBps: total === 0n ? 0n : (top * 10_000n) / total,
    yearOneEmitted: total,
  };
}

export type Comparison = { scenario: string; policy: RunFigures; baseline: RunFigures; epochs: number; ratio: number };

/** Policy vs constant baseline in each scenario. */
export function compare(w: PolicyWeights, scenarios: Scenario[]): Comparison[] {
  const policy = weightsPolicy(w);
  return scenarios.map((s) => {
    const p = figures(runScenario(s, policy), s);
    const b = figures(runScenario(s, null), s);
    return { scenario: s.name, policy: p, baseline: b, epochs: s.epochs, ratio: b.cuPerPAR === 0 ? 0 : p.cuPerPAR / b.cuPerPAR };
  });
}

/** The bench's summary of a comparison: the mean ratio, the worst adversary profit (PAR) and top share. */
export function summary(rows: Comparison[]) {
  return {
    usefulWorkPerPAR: rows.reduce((a, r) => a + r.ratio, 0) / rows.length,
    maxProfitPAR: Number(rows.reduce((m, r) => (r.policy.maxAdversaryProfit > m ? r.policy.maxAdversaryProfit : m), -(1n << 255n))) / 1e8,
    topEntityShareMaxBps: Number(rows.reduce((m, r) => (r.policy.topShareBps > m ? r.policy.topShareBps : m), 0n)),
  };
}

const fmtPAR = (v: bigint) => (Number(v) / 1e8).toLocaleString("en-US", { maximumFractionDigits: 0 });

/** A markdown table of a comparison (docs/policy.md). */
export function table(rows: Comparison[]): string {
  const out = [
    "| scenario | useful CU / PAR, policy | baseline | ratio | max adversary profit (PAR), policy | baseline | top entity share (bps), policy | baseline |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    out.push(
      `| ${r.scenario} | ${r.policy.cuPerPAR.toPrecision(4)} | ${r.baseline.cuPerPAR.toPrecision(4)} | ${r.ratio.toFixed(3)} | ${fmtPAR(r.policy.maxAdversaryProfit)} | ${fmtPAR(r.baseline.maxAdversaryProfit)} | ${r.policy.topShareBps} | ${r.baseline.topShareBps} |`,
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
