/**
 * `npm run policy:train`: trains the emission policy's integer weights on the network simulator
 * (keepers/policy/sim/index.ts) over the TRAINING scenarios only, and writes
 * keepers/policy/genesis-policy.json and keepers/models/policy.onnx (docs/policy.md).
 *
 * Gradient-free and reproducible: the cross-entropy method over a few dozen integer genes of a
 * hand-structured network (its hidden units are named detectors, below), with a seeded mulberry32
 * PRNG, Gaussian draws made from sums of uniforms (no transcendental functions, so every IEEE-754
 * machine draws the same numbers), candidates evaluated in a fixed order, ties broken by index.
 * The same command gives the same weights JSON and the same ONNX sha256.
 *
 * Options (env): POLICY_SEED (default 20300101), POLICY_ITERS, POLICY_POP, POLICY_ELITE.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { prng, sha256 } from "../src/models.js";
import { FEATURES, type PolicyWeights } from "./model/forward.js";
import { buildPolicyOnnx, POLICY_FORMAT } from "./model/onnx.js";
import { GENESIS_WEIGHTS, loadScenarios, PAR, runFigures, weightsPolicy, type RunFigures } from "./evaluate.js";
import type { Scenario } from "./sim/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MODEL_FILE = path.join(here, "..", "models", "policy.onnx");

const env = (k: string, d: number) => (process.env[k] ? Number(process.env[k]) : d);
export const TRAIN = {
  seed: env("POLICY_SEED", 20_300_101),
  iterations: env("POLICY_ITERS", 7),
  population: env("POLICY_POP", 12),
  elite: env("POLICY_ELITE", 4),
};

// ---------------------------------------------------------------------------------------------
// The network's structure: hidden units as detectors of named conditions, each a clipped linear
// function of one feature (forward.ts's feature order). Training moves their thresholds (b1), and
// how much each moves the multiplier and the fee floor (w2), the output biases (b2).
// ---------------------------------------------------------------------------------------------
const F = {
  magTasks: 0, magWork: 1, magFees: 2, magRequesters: 3, magKeepers: 4, disputeRate: 5, herfindahl: 6, schedule: 7,
  growthTasks: 8, growthWork: 9, growthFees: 10, growthRequesters: 11, growthKeepers: 12, dDispute: 13, dHerfindahl: 14, dSchedule: 15,
  magFeePerWork: 16, magWorkPerKeeper: 17, magTasksPerRequester: 18, magTasksPerKeeper: 19,
} as const;

/** A detector: h = clip((gain × feature + threshold × 10^4) / 10^4, 0, 10^4), i.e. gain/10^4 × feature + threshold. */
type Detector = { name: string; feature: number; gain: number; threshold: number };
export const DETECTORS: Detector[] = [
  { name: "young (few keepers)", feature: F.magKeepers, gain: -10_000, threshold: 6_000 },
  { name: "concentrated stake", feature: F.herfindahl, gain: 10_000, threshold: -1_000 },
  { name: "under-spent", feature: F.schedule, gain: 10_000, threshold: -10_000 },
  { name: "over-spent", feature: F.schedule, gain: -10_000, threshold: 10_000 },
  { name: "disputes", feature: F.disputeRate, gain: 10_000, threshold: 0 },
  { name: "work growing", feature: F.growthWork, gain: 10_000, threshold: -10_000 },
  { name: "work shrinking", feature: F.growthWork, gain: -10_000, threshold: 10_000 },
  { name: "tasks per requester", feature: F.magTasksPerRequester, gain: 10_000, threshold: -8_000 },
];
const HIDDEN = DETECTORS.length;
/** The fee output is o1 × FEE_MUL base units per CU. */
const FEE_MUL = 10;

/** One trainable integer: where it sits in the weights, its prior mean and search scale, its bounds. */
type Gene = { name: string; get: (w: PolicyWeights) => number; set: (w: PolicyWeights, v: number) => void; mean: number; std: number; lo: number; hi: number };

export const GENES: Gene[] = [
  ...DETECTORS.map((d, j): Gene => ({
    name: `threshold ${d.name}`,
    get: (w) => w.b1[j]! / 10_000,
    set: (w, v) => (w.b1[j] = v * 10_000),
    mean: d.threshold,
    std: 2_000,
    lo: -30_000,
    hi: 30_000,
  })),
  ...DETECTORS.flatMap((d, j): Gene[] => [
    { name: `multiplier ← ${d.name}`, get: (w) => w.w2[j]![0]!, set: (w, v) => (w.w2[j]![0] = v), mean: 0, std: 60, lo: -2_000, hi: 2_000 },
    { name: `fee ← ${d.name}`, get: (w) => w.w2[j]![1]!, set: (w, v) => (w.w2[j]![1] = v), mean: 0, std: 30, lo: -2_000, hi: 2_000 },
  ]),
  // output biases, in bps and in fee steps (× 1,000 inside the weights)
  { name: "multiplier bias", get: (w) => w.b2[0]! / 1_000, set: (w, v) => (w.b2[0] = v * 1_000), mean: 0, std: 5_000, lo: -5_000, hi: 5_000 },
  { name: "fee bias", get: (w) => w.b2[1]! / 1_000, set: (w, v) => (w.b2[1] = v * 1_000), mean: 100, std: 100, lo: -1_000, hi: 1_000 },
];

/** The weights of gene vector `g` (rounded to integers, clamped into each gene's bounds). */
export function weightsOf(g: number[], meta?: Record<string, unknown>): PolicyWeights {
  const w: PolicyWeights = {
    format: POLICY_FORMAT,
    w1: Array.from({ length: FEATURES }, () => new Array<number>(HIDDEN).fill(0)),
    b1: new Array<number>(HIDDEN).fill(0),
    w2: Array.from({ length: HIDDEN }, () => [0, 0]),
    b2: [0, 0],
    feeMul: FEE_MUL,
    ...(meta && { meta }),
  };
  DETECTORS.forEach((d, j) => (w.w1[d.feature]![j] = d.gain));
  GENES.forEach((gene, i) => gene.set(w, Math.min(gene.hi, Math.max(gene.lo, Math.round(g[i]!)))));
  return w;
}

// ---------------------------------------------------------------------------------------------
// The objective (docs/policy.md, "Objective"), to maximise, averaged over the training scenarios.
// ---------------------------------------------------------------------------------------------
export const YEAR_ONE_BUDGET = 1_000_000_000n * PAR;
export const MAX_SHARE_BPS = 500n;

export type Score = { score: number; ratio: number; profitPenalty: number; sharePenalty: number; budgetPenalty: number };

/**
 * One scenario's score: the policy's useful CU per PAR over the baseline's (capped at 3), minus
 * (b) 1 + 100 × profit / emitted when any adversary's strategy profits (evaluate.ts), (c) 1 per
 * 1,000 bps that the top entity's year-one share passes 500 bps, (d) 100 when year one emits more
 * than its budget.
 */
export function score(p: RunFigures, baseline: RunFigures): Score {
  const ratio = baseline.cuPerPAR === 0 ? (p.cuPerPAR > 0 ? 1 : 0) : Math.min(3, p.cuPerPAR / baseline.cuPerPAR);
  const profit = p.maxAdversaryProfit;
  const profitPenalty = profit > 0n ? 1 + (100 * Number(profit)) / Math.max(1, Number(p.emitted)) : 0;
  const over = p.topShareBps - MAX_SHARE_BPS;
  const sharePenalty = over > 0n ? Number(over) / 1_000 : 0;
  const budgetPenalty = p.yearOneEmitted > YEAR_ONE_BUDGET ? 100 : 0;
  return { score: ratio - profitPenalty - sharePenalty - budgetPenalty, ratio, profitPenalty, sharePenalty, budgetPenalty };
}

export function evaluateWeights(w: PolicyWeights, scenarios: Scenario[], baselines: RunFigures[]): { score: number; parts: Score[] } {
  const policy = weightsPolicy(w);
  const parts = scenarios.map((s, i) => score(runFigures(s, policy), baselines[i]!));
  return { score: parts.reduce((a, p) => a + p.score, 0) / parts.length, parts };
}

// ---------------------------------------------------------------------------------------------
// Cross-entropy method
// ---------------------------------------------------------------------------------------------
/** A standard normal draw as a scaled sum of 6 uniforms (exactly reproducible arithmetic). */
const gauss = (r: () => number) => (r() + r() + r() + r() + r() + r() - 3) * Math.SQRT2;

export function train(opts = TRAIN, log: (s: string) => void = console.log) {
  const scenarios = loadScenarios("train");
  if (scenarios.length === 0) throw new Error("no training scenarios in keepers/policy/scenarios/train");
  const t0 = performance.now();
  const baselines = scenarios.map((s) => runFigures(s, null));
  const r = prng(opts.seed);
  let mean = GENES.map((g) => g.mean);
  let std = GENES.map((g) => g.std);
  let best = { g: mean.slice(), ...evaluateWeights(weightsOf(mean), scenarios, baselines) };
  log(`prior: score ${best.score.toFixed(4)} (${scenarios.length} training scenarios, ${GENES.length} genes)`);
  for (let it = 0; it < opts.iterations; it++) {
    const cands: { g: number[]; score: number; i: number }[] = [];
    for (let i = 0; i < opts.population; i += 2) {
      const eps = GENES.map(() => gauss(r));
      for (const sign of [1, -1]) {
        const g = mean.map((m, k) => Math.min(GENES[k]!.hi, Math.max(GENES[k]!.lo, Math.round(m + sign * std[k]! * eps[k]!))));
        const e = evaluateWeights(weightsOf(g), scenarios, baselines);
        cands.push({ g, score: e.score, i: cands.length });
        if (e.score > best.score) best = { g, ...e };
      }
    }
    cands.sort((a, b) => b.score - a.score || a.i - b.i);
    const elite = cands.slice(0, opts.elite);
    const newMean = GENES.map((_, k) => elite.reduce((a, c) => a + c.g[k]!, 0) / elite.length);
    std = GENES.map((g, k) => {
      const v = elite.reduce((a, c) => a + (c.g[k]! - newMean[k]!) ** 2, 0) / elite.length;
      return Math.max(g.std / 10, 0.5 * std[k]! + 0.5 * Math.sqrt(v));
    });
    mean = newMean.map((m, k) => 0.3 * mean[k]! + 0.7 * m);
    log(`iteration ${it + 1}/${opts.iterations}: best ${cands[0]!.score.toFixed(4)}, elite mean ${(elite.reduce((a, c) => a + c.score, 0) / elite.length).toFixed(4)}, best so far ${best.score.toFixed(4)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const meta = { seed: opts.seed, iterations: opts.iterations, population: opts.population, elite: opts.elite, trainScore: Number(best.score.toFixed(6)), scenarios: scenarios.map((s) => s.name) };
  return { weights: weightsOf(best.g, meta), best, scenarios, baselines };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { weights, scenarios, best } = train();
  writeFileSync(GENESIS_WEIGHTS, JSON.stringify(weights, null, 2) + "\n");
  const bytes = buildPolicyOnnx(weights);
  mkdirSync(path.dirname(MODEL_FILE), { recursive: true });
  writeFileSync(MODEL_FILE, bytes);
  console.log("\nthe trained policy on the training scenarios (ratio: useful CU per PAR over the baseline's; penalties):");
  best.parts.forEach((p, i) => console.log(`  ${scenarios[i]!.name}: ratio ${p.ratio.toFixed(4)}, profit −${p.profitPenalty.toFixed(3)}, share −${p.sharePenalty.toFixed(3)}, budget −${p.budgetPenalty}`));
  console.log(`\nwrote keepers/policy/genesis-policy.json and keepers/models/policy.onnx (${bytes.length} bytes) sha256 ${sha256(bytes)}`);
}
