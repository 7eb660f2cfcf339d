/**
 * Judges the soak's results against the truth: which submitted results were lies, and whether
 * the protocol caught each one (challenged, its submitter slashed) and let none finalize.
 */
import type { Hex } from "viem";
import { named, type ChainEvent } from "./soak-events.js";

export type Lie = { id: bigint; submitter: string; challenged: boolean; slashed: boolean };

/**
 * Every submitted result whose hash is not the truth's. A lie is slashed when the dispute of its
 * task was decided against the submitter (Challenger or Neither) and the same transaction slashed it.
 */
export function lies(events: ChainEvent[], truth: (id: bigint) => Hex): Lie[] {
  const challenged = new Set(named(events, "TaskChallenged").map((e) => e.args.id as bigint));
  const slashTxs = new Set(named(events, "Slashed").map((e) => `${e.tx}/${e.args.keeper.toLowerCase()}`));
  const convictions = named(events, "DisputeResolved").filter((e) => e.args.outcome === 2 || e.args.outcome === 3);
  return named(events, "ResultSubmitted")
    .filter((e) => e.args.resultHash !== truth(e.args.id))
    .map((e) => {
      const submitter = (e.args.keeper as string).toLowerCase();
      const slashed = convictions.some((r) => r.args.id === e.args.id && slashTxs.has(`${r.tx}/${submitter}`));
      return { id: e.args.id, submitter, challenged: challenged.has(e.args.id), slashed };
    });
}

/** Tasks that finalized with a result other than the truth (the requester paid for a lie). */
export function wrongFinals(events: ChainEvent[], truth: (id: bigint) => Hex): bigint[] {
  return named(events, "TaskFinalized").filter((e) => e.args.resultHash !== truth(e.args.id)).map((e) => e.args.id);
}
