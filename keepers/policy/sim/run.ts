import { policyInput, type EpochMetrics, type PolicyDecision } from "../../src/policy-io.js";
import { flush } from "./market.js";
import { BPS } from "./params.js";
import { claim, closeEpoch, contributorsOf, forget, minFeePerCU, proposePolicy, workOf } from "./pool.js";
import { herfindahlBps, vest } from "./registry.js";
import type { Scenario } from "./scenario.js";
import { drawAssignees, serveEpoch, type ServiceTotals } from "./serve.js";
import { book, createWorld, lastMetrics, moveAgents, postTasks, type PostBatch, type World } from "./world.js";

/** The emission policy: the input vector of policy-io to its decision. */
export type Policy = (input: BigInt64Array) => PolicyDecision;

export type EpochTrace = {
  epoch: number;
  metrics: EpochMetrics;
  /** what the chain applied to this epoch: the clamped multiplier and minFeePerCU in force */
  decision: PolicyDecision;
  /** what the epoch allocated to work at close (EpochClosed.amount; what is not paid out rolls back) */
  emitted: bigint;
  /** what its claims paid out (minted) */
  paid: bigint;
  /** what each entity was paid out of this epoch's emission (its claims) */
  entityEmission: Map<string, bigint>;
};

export type SimOutcome = {
  epochs: EpochTrace[];
  /** CU of finalized, correct tasks of real demand (neither wash nor sybil self-demand) */
  usefulCU: bigint;
  /** PAR paid out to work over the run (allocations net of what rolled back) */
  emitted: bigint;
  entityEmission: Map<string, bigint>;
  /**
   * Each adversary entity's net income over the run: emission + fees received − fees paid −
   * costs − slashes. Not yet what its strategy gains: evaluate.ts subtracts its net income in its
   * honest counterfactual to get the strategy profit.
   */
  adversaryProfit: Map<string, bigint>;
};

/** What one claim paid and where it went (the keeper's own stake while genesis vesting is on). */
export type Paid = { who: string; amount: bigint; vested: boolean };

/** The start of `epoch`: agents move, requesters post. */
export function beginEpoch(w: World, epoch: number): PostBatch[] {
  moveAgents(w, epoch);
  return postTasks(w, epoch);
}

/**
 * The end of `epoch`: the market flushes its accounts, the pool closes the epoch, every
 * contributor claims it in the order of its first credit (vesting into its stake while
 * genesisVesting is on), the metrics are taken and the policy proposes for epoch + 2 (its task
 * runs during epoch + 1, after this close).
 */
export function finishEpoch(w: World, epoch: number, totals: ServiceTotals, batches: PostBatch[], gain: Map<string, bigint>, policy: Policy | null) {
  const e = BigInt(epoch);
  const feeFloor = minFeePerCU(w.pool, e);
  flush(w.market, w.pool, e); // the pay is in `gain` already
  const work = workOf(w.pool, e);
  const closed = closeEpoch(w.pool);
  const epochsLeft = w.pool.perYear - (w.pool.nextEpoch % w.pool.perYear);
  const requesters = new Map(batches.map((b) => [b.requester, BigInt(b.addresses)] as const));
  const contributors = contributorsOf(w.pool, e);
  const metrics: EpochMetrics = {
    tasks: totals.tasks,
    work,
    fees: totals.fees,
    requesters: [...requesters.values()].reduce((a, b) => a + b, 0n),
    keepers: BigInt(contributors.length),
    disputeRateBps: totals.tasks === 0n ? (totals.disputes === 0n ? 0n : BPS) : (totals.disputes * BPS) / totals.tasks,
    herfindahlBps: herfindahlBps(w.registry),
    scheduleBps: w.pool.yearBudget === 0n ? 0n : (w.pool.remaining * w.pool.perYear * BPS) / (w.pool.yearBudget * epochsLeft),
  };
  const paid: Paid[] = [];
  const entityEmission = new Map<string, bigint>();
  for (const who of contributors) {
    const amount = claim(w.pool, e, who);
    const vested = w.params.genesisVesting !== 0n && w.registry.has(who) && vest(w.registry, who, amount);
    paid.push({ who, amount, vested });
    gain.set(who, (gain.get(who) ?? 0n) + amount);
    const entity = w.byAddress.get(who)?.entity ?? who;
    entityEmission.set(entity, (entityEmission.get(entity) ?? 0n) + amount);
  }
  forget(w.pool, e);
  for (const k of w.keepers) {
    const g = gain.get(k.address) ?? 0n;
    k.profitEma = k.profitEma * (1 - 0.1) + Number(g) * 0.1;
    book(w, k.entity, g);
  }
  for (const b of batches) if (b.pop.entity !== null) book(w, b.pop.entity, -b.fee * BigInt(b.count));
  w.metrics.push(metrics);
  if (policy) {
    const d = policy(policyInput(metrics, lastMetrics(w, 2)));
    proposePolicy(w.pool, e + 2n, d.multiplierBps, d.minFeePerCU);
  }
  const trace: EpochTrace = { epoch, metrics, decision: { multiplierBps: closed.multiplierBps, minFeePerCU: feeFloor }, emitted: closed.amount, paid: paid.reduce((a, p) => a + p.amount, 0n), entityEmission };
  return { trace, paid };
}

/**
 * Runs `scenario` under `policy` (null: no proposals, so the chain's default of a 10,000 bps
 * multiplier and the fee floor) with assignments drawn from the scenario's seed.
 */
export function runScenario(scenario: Scenario, policy: Policy | null): SimOutcome {
  const w = createWorld(scenario);
  const out: SimOutcome = { epochs: [], usefulCU: 0n, emitted: 0n, entityEmission: new Map(), adversaryProfit: w.profit };
  for (let epoch = 0; epoch < scenario.epochs; epoch++) {
    const batches = beginEpoch(w, epoch);
    const gain = new Map<string, bigint>();
    const { totals } = serveEpoch(w, BigInt(epoch), batches, drawAssignees(w, batches), gain);
    const { trace } = finishEpoch(w, epoch, totals, batches, gain, policy);
    out.epochs.push(trace);
    out.usefulCU += totals.usefulCU;
    out.emitted += trace.paid;
    for (const [entity, v] of trace.entityEmission) out.entityEmission.set(entity, (out.entityEmission.get(entity) ?? 0n) + v);
  }
  return out;
}
