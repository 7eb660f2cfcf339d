/**
 * The emission policy on the network simulator (docs/policy.md): the genesis policy
 * (keepers/policy/genesis-policy.json) against the constant baseline (multiplier 10,000 bps, the
 * deployed fee floor) on the five held-out scenarios (keepers/policy/evaluate.ts):
 * - policy.vsBaseline.usefulWorkPerPAR: useful CU per PAR emitted, policy over baseline, averaged
 *   over the scenarios (goal ≥ 1.2);
 * - policy.washTrade.maxProfitPAR: the best wash-trading or sybil strategy's profit: the largest
 *   strategy profit of any adversary entity under the policy (its income over its income when it
 *   behaves honestly, evaluate.ts), over all scenarios, in PAR (goal ≤ 0);
 * - policy.topEntityShare.maxBps: the largest share of year-one emission one entity (sybils as
 *   one) receives under the policy, over all scenarios, in bps (goal ≤ 500);
 * - sim.epochsPerSec: epochs the simulator runs per second over those runs, policy and baseline,
 *   the adversaries' honest counterfactuals and the policy's BigInt forward pass included
 *   (goal ≥ 1,000).
 * No chain: the suite ignores its connection.
 */
import { compare, heldOutScenarios, readWeights, summary } from "../keepers/policy/evaluate.js";
import type { BenchSuite } from "./types.js";

const suite: BenchSuite = async () => {
  const scenarios = heldOutScenarios();
  const t0 = performance.now();
  const rows = compare(readWeights(), scenarios);
  const seconds = (performance.now() - t0) / 1000;
  const epochs = rows.reduce((a, r) => a + r.policy.epochsRun + r.baseline.epochsRun, 0);
  const s = summary(rows);
  return [
    { name: "policy.vsBaseline.usefulWorkPerPAR", value: Number(s.usefulWorkPerPAR.toFixed(4)), unit: "ratio" },
    { name: "policy.washTrade.maxProfitPAR", value: Math.round(s.maxProfitPAR), unit: "PAR" },
    { name: "policy.topEntityShare.maxBps", value: s.topEntityShareMaxBps, unit: "count" },
    { name: "sim.epochsPerSec", value: Math.round(epochs / seconds), unit: "epochs/s" },
  ];
};
export default suite;
