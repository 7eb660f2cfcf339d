/**
 * Who acts first when many keepers may: drawing a jury, resolving a dispute or closing an
 * unarbitrated one needs one transaction, but every party and juror may send it. Each takes its
 * turn `TURN_SECONDS` after the one before it in a fixed order, so the first in line acts alone
 * and the others step in only if it did not (143 reverted `resolve`s in one adversarial run
 * before this).
 */
import type { Address, Hex } from "viem";
import type { TaskState } from "./taskbook.js";

/** Seconds between two keepers' turns: two L2 blocks, so the one before has landed. */
export const TURN_SECONDS = 4;

/** The court's verdicts (ITaskCourt.Outcome): a juror votes one of them but `None`. */
export const Outcome = { None: 0, Submitter: 1, Challenger: 2, Neither: 3, Rival: 4 } as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A dispute's sides in the court's order, with the vote that backs each. */
export function sidesOf(t: TaskState): Side[] {
  const sides: Side[] = [{ vote: Outcome.Submitter, keeper: t.task.keeper, resultHash: t.task.resultHash, output: t.output, uri: t.outputUri }];
  if (t.challenge) sides.push({ vote: Outcome.Challenger, keeper: t.challenge.challenger, ...t.challenge });
  if (t.rival) sides.push({ vote: Outcome.Rival, keeper: t.rival.rival, ...t.rival });
  return sides;
}

/** One side of a dispute: its keeper, its result hash and its output (inline, or at `uri`). */
export type Side = { vote: Outcome; keeper: Address; resultHash: Hex; output?: Hex; uri?: string };

/**
 * The order in which keepers take their turn on task `t`'s dispute: the side that the revealed
 * votes favour (it is paid when the dispute resolves), the other sides, then the jurors.
 */
export function turnOrder(t: TaskState, leading?: number): string[] {
  const sides = sidesOf(t);
  const first = sides.filter((s) => s.vote === leading);
  const rest = sides.filter((s) => s.vote !== leading);
  const order = [...first, ...rest].map((s) => s.keeper.toLowerCase());
  for (const j of t.dispute?.jurors ?? []) order.push(j.toLowerCase());
  return [...new Set(order)];
}

/** Seconds `me` waits, after an action became possible, before taking its turn; undefined when it has none. */
export function turnDelay(order: string[], me: string): number | undefined {
  const i = order.indexOf(me.toLowerCase());
  return i < 0 ? undefined : i * TURN_SECONDS;
}

/** The vote holding the most revealed votes (ties: the court's order), or undefined before any reveal. */
export function leadingVote(revealed: Map<string, number>): number | undefined {
  const tally = new Map<number, number>();
  for (const v of revealed.values()) tally.set(v, (tally.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [v, n] of [...tally].sort((a, b) => a[0] - b[0])) if (best === undefined || n > tally.get(best)!) best = v;
  return best;
}
