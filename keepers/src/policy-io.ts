/**
 * The emission policy's input and output (docs/design.md §8, docs/policy.md), defined once: the chain
 * builds the input of every protocol policy task with these definitions (TaskMarket), the
 * simulator and the training script feed the model the same vector, the Chainlink Functions
 * source reads it, and the keeper and the indexer report it.
 *
 * Input: an int64 tensor [1, 16], the metrics of the last closed epoch `e` (elements 0–7) and of
 * epoch `e − 1` (8–15), each in the order of POLICY_METRICS (for epoch 0, `e − 1` is all zeros):
 * - tasks: tasks finalized in the epoch (a lot counts as one);
 * - work: work units credited to the epoch (EmissionPool: paid plus zero-fee units);
 * - fees: fees of the tasks finalized in the epoch, in PAR base units;
 * - requesters: distinct addresses that posted a task in the epoch;
 * - keepers: distinct contributors credited with work in the epoch;
 * - disputeRateBps: disputes opened in the epoch per task finalized in it, in bps;
 * - herfindahlBps: Σ stake² / (Σ stake)² of keeper pools when the epoch closed, in bps;
 * - scheduleBps: the budget left against the time left in the emission year when the epoch
 *   closed, remaining × epochsPerYear / (yearBudget × epochsLeft), in bps (10,000 = on schedule;
 *   more = under-spent).
 *
 * Output: an int64 tensor [1, 2]: the next epoch's multiplier in bps and minFeePerCU in base
 * units, each within POLICY_OUTPUT. An output outside it, or one that does not decode, is a wrong
 * result: the genesis policy never produces it, so a juror's re-execution convicts it.
 */
export const POLICY_METRICS = [
  "tasks",
  "work",
  "fees",
  "requesters",
  "keepers",
  "disputeRateBps",
  "herfindahlBps",
  "scheduleBps",
] as const;
export type PolicyMetric = (typeof POLICY_METRICS)[number];
export type EpochMetrics = Record<PolicyMetric, bigint>;

/** Epochs the input holds, latest first. */
export const POLICY_EPOCHS = 2;
export const POLICY_INPUT_LENGTH = POLICY_METRICS.length * POLICY_EPOCHS;

/** The declared output ranges, inclusive. */
export const POLICY_OUTPUT = {
  multiplierBps: { min: 5_000n, max: 15_000n },
  minFeePerCU: { min: 0n, max: 1_000_000n },
} as const;

export type PolicyDecision = { multiplierBps: bigint; minFeePerCU: bigint };

export const NO_METRICS: EpochMetrics = Object.fromEntries(POLICY_METRICS.map((m) => [m, 0n])) as EpochMetrics;

/** The policy input vector: `latest` then `previous`, as int64. */
export function policyInput(latest: EpochMetrics, previous: EpochMetrics): BigInt64Array {
  return BigInt64Array.from([...POLICY_METRICS.map((m) => latest[m]), ...POLICY_METRICS.map((m) => previous[m])]);
}

/** Reads a policy output's two int64 elements; throws, naming the field, when one is outside its range. */
export function policyDecision(output: BigInt64Array): PolicyDecision {
  if (output.length !== 2) throw new Error(`a policy output has 2 elements, got ${output.length}`);
  const decision = { multiplierBps: output[0]!, minFeePerCU: output[1]! };
  for (const [field, { min, max }] of Object.entries(POLICY_OUTPUT)) {
    const v = decision[field as keyof PolicyDecision];
    if (v < min || v > max) throw new Error(`policy output ${field} ${v} lies outside [${min}, ${max}]`);
  }
  return decision;
}
