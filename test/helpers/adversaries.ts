/**
 * The adversaries of the soak (test/adversarial.test.ts), one wrong thing each: output tampers
 * for keepers that lie, and agents that run a loop of their own on the SDK clients. Agents read
 * the chain through a TaskBook, as a keeper does, and never act honestly.
 */
import { hexToBytes, isAddressEqual, keccak256, toHex, zeroAddress, type Address, type Hex } from "viem";
import { challengeCommitment } from "../../keepers/src/chain/challenge.js";
import type { ParadigmClients } from "../../keepers/src/chain/client.js";
import { mined } from "../../keepers/src/chain/requester.js";
import { createTaskBook, type TaskBook, type TaskState } from "../../keepers/src/chain/taskbook.js";
import { errMsg, type Logger } from "../../keepers/src/telemetry.js";


/**
 * A liar's tamper: the second byte of every output flipped, so that its first value moves by a
 * multiple of 256 units, far outside any tolerance (in a lot, the first item's length breaks).
 * A change of the lowest byte could stay within tolerance, which the protocol rightly accepts.
 */
export function corrupt(canonical: Uint8Array): Uint8Array {
  const out = new Uint8Array(canonical);
  out[1] ^= 0x7f;
  return out;
}

/**
 * A lazy copier's tamper: each output is the previous task's; the first one, with nothing to copy,
 * is zeros of the right length. So the copier lies from its first task on, however few tasks the
 * draws give it (with an honest first output, a copier drawn for one or two tasks of the same
 * input never lied, and the soak could not tell it from an honest keeper).
 */
export function copyPrevious(): (canonical: Uint8Array) => Uint8Array {
  let previous: Uint8Array | undefined;
  return (canonical) => {
    const out = previous ?? new Uint8Array(canonical.length);
    previous = canonical;
    return out;
  };
}

export type Agent = { stop(): Promise<void> };

/**
 * Runs `step` every `pollMs` over a task book that follows the chain; `now` is the latest block's
 * time. A failed step (a race lost, a window missed) is logged and the loop goes on.
 */
function agent(c: ParadigmClients, log: Logger, step: (book: TaskBook, now: number) => Promise<unknown>, pollMs = 500): Agent {
  const book = createTaskBook(c, { dropClosed: true });
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      await book.sync().then(() => step(book, Number(book.tip!.timestamp))).catch((e) => log("agent.failed", { reason: errMsg(e) }));
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  return { stop: async () => void ((stopped = true), await done) };
}

/** Runs `act` for each task at once and logs `what` for each that succeeded; a failure is logged and stops none of the others. */
async function each(ts: TaskState[], log: Logger, what: string, act: (t: TaskState) => Promise<unknown>) {
  const results = await Promise.allSettled(ts.map(act));
  results.forEach((r, i) => log(r.status === "fulfilled" ? what : "agent.failed", { id: ts[i].id, ...(r.status === "rejected" && { reason: errMsg(r.reason) }) }));
}

const txOf = (c: ParadigmClients) => ({ account: c.walletClient!.account, chain: c.walletClient!.chain });

/**
 * A griefing challenger: challenges every `every`-th result that `victims` (honest keepers, whose
 * results are right) submit, with a wrong output (the last byte flipped), committing the
 * challenge in an earlier block first, as the market asks.
 */
export function griefer(c: ParadigmClients, log: Logger, victims: ReadonlySet<string>, every: number): Agent {
  const me = c.account!.address;
  const market = c.contracts.market;
  const seen = new Set<bigint>();
  let window: number | undefined;
  return agent(c, log, async (book, now) => {
    window ??= Number(await market.read.challengeWindow());
    const targets: TaskState[] = [];
    for (const t of book.tasks.values()) {
      if (t.phase !== "Submitted" || seen.has(t.id) || !victims.has(t.task.keeper.toLowerCase())) continue;
      seen.add(t.id);
      if (seen.size % every === 0 && now + 3 < t.task.since + window) targets.push(t);
    }
    await each(targets, log, "grief.challenged", async (t) => {
      const wrong = new Uint8Array(hexToBytes(t.output!));
      wrong[wrong.length - 1] ^= 0x7f;
      const hash = keccak256(wrong);
      await mined(c, await market.write.commitChallenge([t.id, challengeCommitment(t.id, hash, me)], txOf(c)), "commitChallenge");
      await mined(c, await market.write.challenge([t.id, t.task, hash, toHex(wrong), ""], txOf(c)), "challenge");
    });
  });
}

/**
 * A colluding juror: when seated, commits and then reveals a vote for the wrong side, the one
 * whose result is not `truth(id)`: the lying submitter, else the griefing challenger.
 */
export function colludingJuror(c: ParadigmClients, log: Logger, truth: (id: bigint) => Hex | undefined): Agent {
  const me = c.account!.address.toLowerCase();
  const court = c.contracts.court!;
  const ballots = new Map<string, { vote: number; salt: Hex }>(); // `${id}/${round}` → what was committed
  const wrongSide = (t: TaskState) => (t.task.resultHash !== truth(t.id) ? 1 : t.challenge?.resultHash !== truth(t.id) ? 2 : 3);
  return agent(c, log, async (book, now) => {
    const commits: TaskState[] = [];
    const reveals: TaskState[] = [];
    for (const t of book.tasks.values()) {
      const d = t.dispute;
      if (t.phase !== "Challenged" || !d || !d.jurors.some((j) => isAddressEqual(j, c.account!.address))) continue;
      if (!d.committed.has(me) && now < d.commitEnd) commits.push(t);
      else if (d.committed.has(me) && !d.revealed.has(me) && now > d.commitEnd && now < d.revealEnd) reveals.push(t);
    }
    const committing = each(commits, log, "collude.committed", async (t) => {
      const ballot = { vote: wrongSide(t), salt: keccak256(toHex(`${me}/${t.id}/${t.dispute!.round}/${Math.random()}`)) };
      ballots.set(`${t.id}/${t.dispute!.round}`, ballot);
      const commitment = await court.read.voteCommitment([t.id, t.dispute!.round, ballot.vote, ballot.salt, c.account!.address]);
      await mined(c, await court.write.commitVote([t.id, commitment], txOf(c)), "commitVote");
    });
    const revealing = each(reveals, log, "collude.revealed", async (t) => {
      const ballot = ballots.get(`${t.id}/${t.dispute!.round}`);
      if (ballot) await mined(c, await court.write.revealVote([t.id, ballot.vote, ballot.salt], txOf(c)), "revealVote");
    });
    await Promise.all([committing, revealing]);
  });
}

/**
 * A keeper that claims the tasks drawn to it and never submits: each claim lapses after
 * `claimTimeout`, another keeper takes the task over, and the squatter pays its liveness penalty.
 */
export function squatter(c: ParadigmClients, log: Logger): Agent {
  const me = c.account!.address;
  const market = c.contracts.market;
  const asked = new Set<bigint>();
  let assignWindow: number | undefined;
  return agent(c, log, async (book, now) => {
    assignWindow ??= Number(await market.read.assignWindow());
    const mine: TaskState[] = [];
    for (const t of book.tasks.values()) {
      if (t.phase !== "Open" || asked.has(t.id) || now >= t.task.postedAt + assignWindow) continue;
      const assignee = await market.read.assigneeOf([t.id, t.task]);
      if (assignee === zeroAddress) continue; // the seed block (the one after the post's) is not mined yet
      asked.add(t.id);
      if (isAddressEqual(assignee, me)) mine.push(t);
    }
    if (mine.length === 0) return;
    await mined(c, await market.write.claimBatch([mine.map((t) => t.id), mine.map((t) => t.task)], txOf(c)), "claimBatch");
    log("squat.claimed", { ids: mine.map((t) => t.id).join(",") });
  });
}
