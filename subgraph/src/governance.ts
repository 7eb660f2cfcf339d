/** Governance: proposals and votes on the governor, operations on the timelock, and their settings. */
import { ponder } from "ponder:registry";
import { proposal, timelockCall, vote } from "ponder:schema";
import { eq } from "ponder";
import type { Context, Event } from "./lib/context.js";
import { recordParameter } from "./lib/parameters.js";

ponder.on("ParadigmGovernor:ProposalCreated", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(proposal).values({
    id: a.proposalId,
    proposer: a.proposer,
    targets: [...a.targets],
    values: a.values.map(String),
    calldatas: [...a.calldatas],
    description: a.description,
    voteStart: a.voteStart,
    voteEnd: a.voteEnd,
    status: "created",
    forVotes: 0n,
    againstVotes: 0n,
    abstainVotes: 0n,
    createdAt: Number(event.block.timestamp),
    tx: event.transaction.hash,
  });
});

async function countVote(context: Context, event: Event, a: { voter: `0x${string}`; proposalId: bigint; support: number; weight: bigint; reason: string }) {
  await context.db.insert(vote).values({
    proposalId: a.proposalId,
    voter: a.voter,
    support: a.support,
    weight: a.weight,
    reason: a.reason,
    timestamp: Number(event.block.timestamp),
    tx: event.transaction.hash,
  });
  const column = (["againstVotes", "forVotes", "abstainVotes"] as const)[a.support];
  if (column) await context.db.update(proposal, { id: a.proposalId }).set((p) => ({ [column]: p[column] + a.weight }));
}

ponder.on("ParadigmGovernor:VoteCast", ({ event, context }) => countVote(context, event, event.args));
ponder.on("ParadigmGovernor:VoteCastWithParams", ({ event, context }) => countVote(context, event, event.args));

ponder.on("ParadigmGovernor:ProposalQueued", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ status: "queued", eta: event.args.etaSeconds });
});

ponder.on("ParadigmGovernor:ProposalExecuted", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ status: "executed" });
});

ponder.on("ParadigmGovernor:ProposalCanceled", async ({ event, context }) => {
  await context.db.update(proposal, { id: event.args.proposalId }).set({ status: "canceled" });
});

const governorSetting = (name: string) => async ({ event, context }: { event: Event & { args: readonly [bigint, bigint] | Record<string, unknown> }; context: Context }) => {
  const [previous, value] = Object.values(event.args as Record<string, bigint>);
  await recordParameter(context, event, "ParadigmGovernor", name, previous!, value!);
};
ponder.on("ParadigmGovernor:VotingDelaySet", governorSetting("votingDelay"));
ponder.on("ParadigmGovernor:VotingPeriodSet", governorSetting("votingPeriod"));
ponder.on("ParadigmGovernor:ProposalThresholdSet", governorSetting("proposalThreshold"));
ponder.on("ParadigmGovernor:QuorumNumeratorUpdated", governorSetting("quorumNumerator"));

ponder.on("ParadigmTimelock:CallScheduled", async ({ event, context }) => {
  const { id, index, target, value, data, delay } = event.args;
  await context.db
    .insert(timelockCall)
    .values({ operationHash: id, index, target, value, data, delay, status: "scheduled", scheduledAt: Number(event.block.timestamp) });
});

ponder.on("ParadigmTimelock:CallExecuted", async ({ event, context }) => {
  const { id, index, target, value, data } = event.args;
  const executed = { status: "executed", executedAt: Number(event.block.timestamp) };
  // Operations without a delay (none here, but the timelock allows them) were never scheduled.
  await context.db
    .insert(timelockCall)
    .values({ operationHash: id, index, target, value, data, delay: 0n, scheduledAt: executed.executedAt, ...executed })
    .onConflictDoUpdate(executed);
});

ponder.on("ParadigmTimelock:Cancelled", async ({ event, context }) => {
  await context.db.sql.update(timelockCall).set({ status: "cancelled" }).where(eq(timelockCall.operationHash, event.args.id));
});

ponder.on("ParadigmTimelock:MinDelayChange", async ({ event, context }) => {
  await recordParameter(context, event, "ParadigmTimelock", "minDelay", event.args.oldDuration, event.args.newDuration);
});
