/**
 * The soak's last resort, used only after its settlement timeout: the test itself closes what the
 * network left open (finalize, expire, draw a jury, resolve), and arbitrates each dispute that two
 * juries left undecided by the truth, as governance, the arbiter, would. Every task it has to
 * touch but those is a liveness failure, counted in the figures (`soak.tasks.unsettled`); the
 * arbitrated ones are the court's design (docs/market.md), counted apart (`soak.disputes.arbitrated`).
 */
import type { Hex } from "viem";
import type { TaskBook, TaskState } from "../../keepers/src/chain/taskbook.js";
import type { Connection, SdkChain } from "./sdk-chain.js";

const CLOSED = new Set(["Finalized", "Expired", "Refunded"]);
const COURT_PHASE = { Drawing: 1, Voting: 2, Escalated: 3 } as const;

/** Tasks of `ids` that are not closed, as `book` last saw them. */
export const openTasks = (book: TaskBook, ids: bigint[]) => ids.map((id) => book.tasks.get(id)).filter((t) => !t || !CLOSED.has(t.phase));

/**
 * Closes every task of `ids` left open, acting as the test account (the timelock here). Returns
 * the ids it had to act on, each with the phase it was first found in ("Submitted",
 * "Challenged/Drawing", …), so a failure says where the network stalled; and apart, the disputes
 * escalated to the arbiter that it arbitrated.
 */
export async function rescue(chain: { conn: Connection; fx: SdkChain }, book: TaskBook, ids: bigint[], truth: (id: bigint) => Hex, timeoutMs: number) {
  const publicClient = await chain.conn.viem.getPublicClient();
  const { market, court } = chain.fx;
  const window = Number(await market.read.challengeWindow());
  const rescued = new Map<bigint, string>();
  const arbitrated = new Set<bigint>();

  /** The transaction that moves `t` on, if one can now, with the phase it found `t` in. */
  async function step(t: TaskState, now: number): Promise<[string, Hex] | undefined> {
    if (t.phase === "Submitted" && now > t.task.since + window) return [t.phase, await market.write.finalize([[t.id], [t.task], []])];
    if ((t.phase === "Open" || t.phase === "Claimed") && now > t.task.deadline) return [t.phase, await market.write.expire([[t.id], [t.task]])];
    if (t.phase !== "Challenged") return undefined;
    const d = await court.read.disputeOf([t.id]);
    if (d.phase === COURT_PHASE.Drawing) return ["Challenged/Drawing", await court.write.drawJury([t.id])];
    if (d.phase === COURT_PHASE.Voting && now > d.revealEnd) return ["Challenged/Voting", await court.write.resolve([t.id, t.task, "0x"])];
    if (d.phase !== COURT_PHASE.Escalated) return undefined;
    const outcome = t.task.resultHash === truth(t.id) ? 1 : t.challenge?.resultHash === truth(t.id) ? 2 : 3;
    return ["Challenged/Escalated", await court.write.arbitrate([t.id, t.task, outcome, "0x"])];
  }

  for (const until = Date.now() + timeoutMs; ; ) {
    await book.sync();
    const open = openTasks(book, ids);
    if (open.length === 0) return { rescued, arbitrated };
    if (Date.now() > until) throw new Error(`still open after the rescue: ${open.map((t) => `${t?.id} ${t?.phase}`).join(", ")}`);
    const now = Number(book.tip!.timestamp);
    for (const t of open) {
      if (!t) continue; // not seen yet: the book is behind
      const moved = await step(t, now).catch(() => undefined);
      if (!moved) continue;
      const [phase, hash] = moved;
      if (phase === "Challenged/Escalated") arbitrated.add(t.id);
      else if (!rescued.has(t.id)) rescued.set(t.id, phase);
      await publicClient.waitForTransactionReceipt({ hash });
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
