/**
 * Simulator
 * =========
 * An agent-based simulation of the Paradigm network, epoch by epoch, for training and judging
 * the emission policy (docs/policy.md). Every token amount is a bigint in PAR base units.
 *
 * What it models, mirrored from the contracts with the deployed parameters (params.ts):
 * - EmissionPool (pool.ts): baseline = remaining / epochs left, the multiplier clamped to
 *   [5,000, 15,000] bps and ±20% of the last one, min(…, remaining), epochs without work rolling
 *   over, year starts with decay and the token cap, the zero-fee faucet (zeroFeeBudget × the
 *   applied multiplier / 10,000), shares rounded down with the dust to the last claimant, the
 *   backing cap (paid work earns at most backingBps of the protocol fees it paid), the
 *   per-address maxShareBps cap during bootstrap, excess rolled back at claim, genesis vesting of
 *   claims into the keeper's own stake.
 * - TaskMarket (market.ts): fee floor minFeePerCU × CU, zero-fee rate limit, protocol fee,
 *   bonds (bondMultiplierBps, challengeBond), work per CU (zeroFeeCreditBps), accounts flushed
 *   once per keeper and epoch; TaskCourt: canary convictions, jury verdicts with their slash split
 *   and jury work credit, liveness penalties.
 * - KeeperRegistry (registry.ts): pool stake, shares, locked bonds, slashing from the bond then
 *   free and unbonding stake pro rata, stake-weighted draws (weight stake + 1).
 * - Agents (world.ts, serve.ts): requester populations whose demand grows, shrinks, varies with
 *   the seasons and shifts between models, and leaves when the fee floor passes what it pays;
 *   keeper populations with throughput and cost per CU that join while keeping pays and leave
 *   when it stops; delegators; adversaries: liars, lazy copiers, wash traders (an entity whose
 *   requesters pay its keepers), sybils (one entity, many keepers and requesters), no-shows and
 *   griefing challengers. The policy sees the metrics of keepers/src/policy-io.ts, as the chain
 *   computes them, and proposes for the epoch after next, as its on-chain task does.
 *
 * How faithful: test/policy-sim.test.ts replays a 20-epoch scenario on the real contracts,
 * feeding the simulator the chain's assignees (its draws depend on block hashes), and checks
 * every epoch's emission, every claim and every stake to the base unit.
 *
 * What it does not model: the price of PAR (costs are in PAR), where requesters get their PAR,
 * timing inside an epoch (bonds of all of a keeper's tasks in an epoch are locked together),
 * reclaiming a lapsed task (it expires), unbonding and withdrawals (a keeper that leaves turns
 * unavailable and keeps its stake), commissions and delegators' rewards, jury votes (juries are
 * honest and full), governance changes of parameters during a run. Draws of large batches use
 * a normal approximation of the binomial.
 */
export type { EpochTrace, Paid, Policy, SimOutcome } from "./run.js";
export { beginEpoch, finishEpoch, runScenario } from "./run.js";
export { drawAssignees, serveEpoch, type Claim, type Served, type ServiceTotals } from "./serve.js";
export { createWorld, type Keeper, type PostBatch, type World } from "./world.js";
export { loadScenario, parseScenario, type Scenario } from "./scenario.js";
export { DEPLOYED, PAR, type Params } from "./params.js";
export { addWork } from "./pool.js";
