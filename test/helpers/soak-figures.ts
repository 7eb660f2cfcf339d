/**
 * The soak's figures (`npm run bench`, BENCH_ONLY=soak; docs/market.md, "Adversarial soak"): what
 * got through (lies finalized, honest losses, tasks the network left open), who came out ahead,
 * and how fast honest keepers acted inside the windows.
 */
import type { BenchRow } from "../../bench/types.js";
import { named, type ChainEvent } from "./soak-events.js";
import { lies, wrongFinals } from "./soak-judge.js";
import { expectedSpend, perTask, tasksHandled } from "./soak-ledger.js";
import { isHonest } from "./soak-network.js";
import type { SoakRun } from "./soak-scenario.js";

const PAR = 1e8;

/** Nearest-rank percentile `q` (0..1) of `xs`; 0 for none. */
export function percentile(xs: number[], q: number): number {
  if (xs.length === 0) return 0;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Seconds, between block times, that keepers running the shipped code took to act: from a
 * result's ResultSubmitted to a watchtower's TaskChallenged; from JuryDrawn to a juror's
 * VoteCommitted; from the end of the commit period to its VoteRevealed. The adversary agents'
 * challenges and votes are left out: the windows must fit honest keepers.
 */
export function latencies(run: SoakRun) {
  const agents = new Set(run.parties.filter((p) => p.role === "griefer" || p.role === "colluder").map((p) => p.address.toLowerCase()));
  const byAgent = (who: string) => agents.has(who.toLowerCase());
  const submitted = new Map(named(run.events.events, "ResultSubmitted").map((e) => [e.args.id as bigint, e.time]));
  const drawn = new Map<bigint, ChainEvent>(); // the current round's JuryDrawn of each task
  const out = { challenge: [] as number[], commit: [] as number[], reveal: [] as number[] };
  for (const e of run.events.events) {
    if (e.name === "JuryDrawn") drawn.set(e.args.id, e);
    if (e.name === "TaskChallenged" && !byAgent(e.args.challenger)) out.challenge.push(e.time - submitted.get(e.args.id)!);
    if (e.name === "VoteCommitted" && !byAgent(e.args.juror)) out.commit.push(e.time - drawn.get(e.args.id)!.time);
    if (e.name === "VoteRevealed" && !byAgent(e.args.juror)) out.reveal.push(e.time - drawn.get(e.args.id)!.args.commitEnd);
  }
  return out;
}

/**
 * Gain per task handled (claimed, challenged, or sat on the jury of) of the honest keepers and of
 * the adversaries, and the figure that compares them: 1 + (honest − adversary) / mean fee per
 * task. Above 1 exactly when an honest keeper earns more per task than an adversary; each unit
 * above 1 is one more task fee earned per task. It stays defined when adversaries lose, as they should.
 */
export function earnings(run: SoakRun) {
  const handled = tasksHandled(run.events.events);
  const addresses = (honest: boolean) => run.parties.filter((p) => isHonest(p) === honest).map((p) => p.address);
  const honest = perTask(addresses(true), run.gained, handled);
  const adversary = perTask(addresses(false), run.gained, handled);
  const meanFee = Number(run.posted.reduce((s, p) => s + p.fee, 0n)) / run.posted.length;
  return { honest, adversary, ratio: 1 + (honest.perTask - adversary.perTask) / meanFee };
}

/**
 * PAR (base units) that honest keepers and requesters lost, summed: for a keeper, the larger of
 * its net loss and what slashes and penalties took from it (a penalty counts even when rewards
 * outweigh it); for a requester, its spend beyond the fees of its finalized tasks (less the
 * penalties paid to it).
 */
export function honestLoss(run: SoakRun): bigint {
  const expected = expectedSpend(run.events.events, run.posted);
  const taken = new Map<string, bigint>();
  for (const e of named(run.events.events, "Slashed")) {
    const k = (e.args.keeper as string).toLowerCase();
    taken.set(k, (taken.get(k) ?? 0n) + (e.args.amount as bigint));
  }
  const max = (...xs: bigint[]) => xs.reduce((m, x) => (x > m ? x : m));
  let loss = 0n;
  for (const a of run.parties.filter(isHonest).map((p) => p.address.toLowerCase())) loss += max(0n, -run.gained.get(a)!, taken.get(a) ?? 0n);
  for (const r of run.requesters) {
    const overpaid = -run.gained.get(r)! - (expected.get(r) ?? 0n);
    if (overpaid > 0n) loss += overpaid;
  }
  return loss;
}

/** The bench rows of a soak run. */
export function soakRows(run: SoakRun): BenchRow[] {
  const lat = latencies(run);
  const all = lies(run.events.events, run.truth);
  const resolve = run.events.calls.get("resolve") ?? { mined: 0, reverted: 0 };
  return [
    { name: "soak.lies.total", value: all.length, unit: "count" },
    { name: "soak.lies.finalized", value: wrongFinals(run.events.events, run.truth).length, unit: "count" },
    { name: "soak.lies.unslashed", value: all.filter((l) => !l.slashed).length, unit: "count" },
    { name: "soak.honest.lossPAR", value: Number(honestLoss(run)) / PAR, unit: "PAR" },
    { name: "soak.tasks.unsettled", value: run.rescued.size + run.unclosed.length, unit: "count" },
    { name: "soak.disputes.escalated", value: named(run.events.events, "DisputeEscalated").length, unit: "count" },
    { name: "soak.disputes.arbitrated", value: run.arbitrated.size, unit: "count" },
    { name: "soak.honestOverAdversary.earningsPerTask", value: Number(earnings(run).ratio.toFixed(2)), unit: "ratio" },
    { name: "soak.latency.challenge.p99", value: percentile(lat.challenge, 0.99), unit: "s" },
    { name: "soak.latency.commit.p99", value: percentile(lat.commit, 0.99), unit: "s" },
    { name: "soak.latency.reveal.p99", value: percentile(lat.reveal, 0.99), unit: "s" },
    { name: "soak.resolve.reverted", value: resolve.reverted, unit: "count" },
  ];
}

/** One line per role: what its members gained (PAR) and how many tasks they handled; then the transactions that reverted on chain. */
export function summary(run: SoakRun): string[] {
  const handled = tasksHandled(run.events.events);
  const roles = [...new Set(run.parties.map((p) => p.role))];
  const lines = roles.map((role) => {
    const { gain, tasks } = perTask(run.parties.filter((p) => p.role === role).map((p) => p.address), run.gained, handled);
    return `${role}: ${(Number(gain) / PAR).toFixed(2)} PAR over ${tasks} tasks handled`;
  });
  const reverted = [...run.events.calls].filter(([, c]) => c.reverted > 0).map(([f, c]) => `${f} ${c.reverted}/${c.mined}`);
  return [...lines, `${run.posted.length} tasks in ${(run.wallMs / 1000).toFixed(0)} s; reverted on chain: ${reverted.join(", ") || "none"}`];
}
