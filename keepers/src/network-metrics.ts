/**
 * The network's metrics per epoch that the emission policy reads (docs/design.md §8), each defined once
 * here: the indexer computes them with these functions, and so does anything else that reports
 * them. Ratios are integers in basis points, so that every reader gets the same number.
 *
 * - tasks, inputs, CU, fees: tasks finalized in the epoch (a lot counts as one task and as its
 *   items' inputs), their compute units × items, and their fees;
 * - active keepers: distinct keepers that finalized at least one task in the epoch;
 * - distinct requesters: distinct addresses that posted a task in the epoch, the protocol's own
 *   policy tasks aside (the chain counts them so too: keepers/src/policy-io.ts);
 * - dispute rate: disputes opened in the epoch per task finalized in it (`disputeRateBps`);
 * - stake concentration: the largest pool's share of all pool stake and the Herfindahl index of
 *   pool stakes (`concentration`), as they stood after the epoch's last stake change.
 */

export const BPS = 10_000n;

/** Disputes per finalized task, in basis points (0 when nothing was finalized and nothing disputed). */
export function disputeRateBps(disputes: number, tasks: number): number {
  if (tasks === 0) return disputes === 0 ? 0 : Number(BPS);
  return Number((BigInt(disputes) * BPS) / BigInt(tasks));
}

export type Concentration = { totalStake: bigint; largestPoolBps: number; herfindahlBps: number };

/**
 * Stake concentration of pools with stakes `stakes`: the largest pool's share and the Herfindahl
 * index Σ share², both in basis points (one pool holding everything: 10,000; n equal pools:
 * 10,000 / n). No stake at all: both 0.
 */
export function concentration(stakes: readonly bigint[]): Concentration {
  const totalStake = stakes.reduce((a, b) => a + b, 0n);
  if (totalStake === 0n) return { totalStake, largestPoolBps: 0, herfindahlBps: 0 };
  const largest = stakes.reduce((a, b) => (b > a ? b : a), 0n);
  const sumSquares = stakes.reduce((a, s) => a + s * s, 0n);
  return {
    totalStake,
    largestPoolBps: Number((largest * BPS) / totalStake),
    herfindahlBps: Number((sumSquares * BPS) / (totalStake * totalStake)),
  };
}

/** The emission epoch that a chain time falls in, as EmissionPool.currentEpoch computes it. */
export function epochAt(timestamp: bigint, genesis: bigint, epochLength: bigint): bigint {
  return timestamp < genesis ? 0n : (timestamp - genesis) / epochLength;
}
