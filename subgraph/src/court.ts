/** The court: disputes, juries, each juror's commit and reveal, escalation and the ruling. */
import { ponder } from "ponder:registry";
import { dispute, juryVote, keeper, task } from "ponder:schema";
import { epochOf, type Context } from "./lib/context.js";
import { parameterName, recordParameter } from "./lib/parameters.js";
import { upsertKeeperEpoch } from "./lib/rows.js";
import { countDispute } from "./lib/stats.js";
import { recordStep } from "./lib/task-step.js";

/** The court's Outcome enum (and a juror's vote), by value; a ruling of None means the arbiter never decided (`closeEscalated`). */
export const OUTCOMES = ["unarbitrated", "submitter", "challenger", "neither", "rival"] as const;
const outcomeName = (value: number) => OUTCOMES[value] ?? `unknown(${value})`;

async function juryVoteOf(context: Context, disputeId: bigint, juror: `0x${string}`) {
  const { round } = (await context.db.find(dispute, { id: disputeId }))!;
  const key = { disputeId, juror, round };
  return { key, row: await context.db.find(juryVote, key) };
}

ponder.on("TaskCourt:DisputeOpened", async ({ event, context }) => {
  const { id, submitter, challenger, seedBlock } = event.args;
  await context.db.insert(dispute).values({
    id,
    submitter,
    challenger,
    round: 0,
    seedBlock,
    jurors: [],
    toArbiter: false,
    outcome: "open",
    openedAt: Number(event.block.timestamp),
  });
  await recordStep(context, event, id, "disputeOpened", challenger, { submitter, seedBlock });
  await countDispute(context, await epochOf(context, event));
});

ponder.on("TaskCourt:RivalJoined", async ({ event, context }) => {
  const { id, rival, resultHash, bond } = event.args;
  await context.db.update(dispute, { id }).set({ rival });
  await recordStep(context, event, id, "rivalJoined", rival, { resultHash, bond });
});

ponder.on("TaskCourt:JuryDrawn", async ({ event, context }) => {
  const { id, round, jurors, commitEnd, revealEnd } = event.args;
  await context.db.update(dispute, { id }).set({ round, jurors: [...jurors], commitEnd: Number(commitEnd), revealEnd: Number(revealEnd) });
  await recordStep(context, event, id, "juryDrawn", null, { round, jurors: [...jurors], commitEnd, revealEnd });
});

ponder.on("TaskCourt:JuryReseeded", async ({ event, context }) => {
  await context.db.update(dispute, { id: event.args.id }).set({ seedBlock: event.args.seedBlock });
  await recordStep(context, event, event.args.id, "juryReseeded", null, { seedBlock: event.args.seedBlock });
});

ponder.on("TaskCourt:VoteCommitted", async ({ event, context }) => {
  const { id, juror } = event.args;
  const { key } = await juryVoteOf(context, id, juror);
  await context.db.insert(juryVote).values({ ...key, committedAt: Number(event.block.timestamp) });
  await recordStep(context, event, id, "voteCommitted", juror, { round: key.round });
});

ponder.on("TaskCourt:VoteRevealed", async ({ event, context }) => {
  const { id, juror, vote } = event.args;
  const { key } = await juryVoteOf(context, id, juror);
  const revealed = { vote: outcomeName(vote), revealedAt: Number(event.block.timestamp) };
  await context.db.insert(juryVote).values({ ...key, ...revealed }).onConflictDoUpdate(revealed);
  await recordStep(context, event, id, "voteRevealed", juror, { round: key.round, vote: revealed.vote });
});

ponder.on("TaskCourt:JurorPenalized", async ({ event, context }) => {
  const { id, juror, amount } = event.args;
  const { key } = await juryVoteOf(context, id, juror);
  await context.db.insert(juryVote).values({ ...key, penalty: amount }).onConflictDoUpdate({ penalty: amount });
  await recordStep(context, event, id, "jurorPenalized", juror, { amount });
});

ponder.on("TaskCourt:DisputeEscalated", async ({ event, context }) => {
  const { id, round, toArbiter } = event.args;
  await context.db.update(dispute, { id }).set({ round, toArbiter });
  await recordStep(context, event, id, "disputeEscalated", null, { round, toArbiter });
});

ponder.on("TaskCourt:DisputeResolved", async ({ event, context }) => {
  const { id, outcome, byArbiter, slashed, toWinner, toJurors, burned } = event.args;
  const ruling = outcomeName(outcome);
  const d = await context.db
    .update(dispute, { id })
    .set({ outcome: ruling, byArbiter, slashed, toWinner, toJurors, burned, resolvedAt: Number(event.block.timestamp) });
  await context.db.update(task, { id }).set({ ruling });
  await recordStep(context, event, id, "disputeResolved", null, { outcome: ruling, byArbiter, slashed, toWinner, toJurors, burned });
  const sides = { submitter: d.submitter, challenger: d.challenger, rival: d.rival } as Record<string, `0x${string}` | null>;
  const winner = sides[ruling];
  if (!winner) return; // neither, or unarbitrated: no side won
  const losers = Object.values(sides).filter((who): who is `0x${string}` => !!who && who !== winner);
  const e = await epochOf(context, event);
  for (const [who, won] of [[winner, true], ...losers.map((l) => [l, false] as const)] as const) {
    if (!(await context.db.find(keeper, { id: who }))) continue;
    await context.db.update(keeper, { id: who }).set((k) => (won ? { disputesWon: k.disputesWon + 1 } : { disputesLost: k.disputesLost + 1 }));
    await upsertKeeperEpoch(context, e, who, (r) => (won ? { disputesWon: r.disputesWon + 1 } : { disputesLost: r.disputesLost + 1 }));
  }
});

ponder.on("TaskCourt:LieConvicted", async ({ event, context }) => {
  const { id, keeper, slashed } = event.args;
  await context.db.update(task, { id }).set({ ruling: "convicted" });
  await recordStep(context, event, id, "convicted", keeper, { slashed });
});

ponder.on("TaskCourt:ParameterSet", async ({ event, context }) => {
  await recordParameter(context, event, "TaskCourt", parameterName(event.args.name), event.args.previous, event.args.value);
});
