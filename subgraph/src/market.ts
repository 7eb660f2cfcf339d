/**
 * The task market: each task's life from post to its end, its usage of models, requesters'
 * deposits and the per-epoch work that the network metrics and the leaderboard count.
 */
import { ponder } from "ponder:registry";
import { deposit, epoch, keeper, model, requesterEpoch, task } from "ponder:schema";
import { taskMarketAbi } from "@paradigm/keepers/abi";
import { POLICY_METRICS } from "@paradigm/keepers/policy-io";
import { at, epochOf, type Context } from "./lib/context.js";
import { parameterAt, parameterName, recordParameter } from "./lib/parameters.js";
import { upsertAccount, upsertEpochStat, upsertKeeperEpoch } from "./lib/rows.js";
import { countFinalized } from "./lib/stats.js";
import { recordStep } from "./lib/task-step.js";

/** Bumps a keeper's counters, if the address is a registered keeper. */
async function bumpKeeper(context: Context, id: `0x${string}`, patch: (k: typeof keeper.$inferSelect) => Partial<typeof keeper.$inferSelect>) {
  if (await context.db.find(keeper, { id })) await context.db.update(keeper, { id }).set(patch);
}

/** A lot: the market emits it right after its TaskPosted, which counted one input. */
ponder.on("TaskMarket:LotPosted", async ({ event, context }) => {
  const { id, items } = event.args;
  const t = await context.db.update(task, { id }).set({ items });
  await context.db.update(model, { id: t.modelId }).set((m) => ({ inputs: m.inputs + items - 1 }));
});

ponder.on("TaskMarket:TaskPosted", async ({ event, context }) => {
  const a = event.args;
  const e = await epochOf(context, event);
  const posted = {
    id: a.id,
    modelId: a.modelId,
    requester: a.requester,
    fee: a.fee,
    computeUnits: a.computeUnits,
    deadline: Number(a.deadline),
    postedAt: Number(a.postedAt),
    postBlock: a.postBlock,
    epoch: e,
    callback: a.callback,
    inputHash: a.inputHash,
    input: a.input === "0x" ? null : a.input,
    inputUri: a.inputURI || null,
    status: "posted" as const,
    updatedBlock: event.block.number,
  };
  await context.db.insert(task).values({ ...posted, items: 1 });
  await recordStep(context, event, a.id, "posted", a.requester, { modelId: a.modelId, fee: a.fee, deadline: a.deadline, callback: a.callback });
  await context.db.update(model, { id: a.modelId }).set((m) => ({ tasks: m.tasks + 1, inputs: m.inputs + 1, fees: m.fees + a.fee }));
  await upsertAccount(context, a.requester, (r) => ({ tasksPosted: r.tasksPosted + 1, feesPaid: r.feesPaid + a.fee }));
  // The protocol's own policy tasks (the market is their requester) are not a requester's demand.
  const byProtocol = a.requester.toLowerCase() === event.log.address.toLowerCase();
  const seen = byProtocol ? undefined : await context.db.find(requesterEpoch, { epoch: e, requester: a.requester });
  if (seen) await context.db.update(requesterEpoch, { epoch: e, requester: a.requester }).set({ tasks: seen.tasks + 1 });
  else if (!byProtocol) await context.db.insert(requesterEpoch).values({ epoch: e, requester: a.requester, tasks: 1 });
  const newRequester = !byProtocol && !seen ? 1 : 0;
  await upsertEpochStat(context, e, (s) => ({ tasksPosted: s.tasksPosted + 1, distinctRequesters: s.distinctRequesters + newRequester }));
});

ponder.on("TaskMarket:TaskClaimed", async ({ event, context }) => {
  const { id, keeper: k, bond, since } = event.args;
  const t = (await context.db.find(task, { id }))!;
  const assignWindow = await parameterAt(context, event, "TaskMarket", "assignWindow", () =>
    context.client.readContract({ abi: taskMarketAbi, address: context.contracts.TaskMarket.address, functionName: "assignWindow", blockNumber: event.block.number }),
  );
  const claimedByAssignee = t.claimedByAssignee ?? BigInt(since) < BigInt(t.postedAt) + assignWindow;
  await context.db
    .update(task, { id })
    .set({ status: "claimed", keeper: k, bond, claimedAt: Number(since), claimedByAssignee, updatedBlock: event.block.number });
  await recordStep(context, event, id, "claimed", k, { bond, since, assignee: claimedByAssignee && t.claimedByAssignee === null });
  await bumpKeeper(context, k, (r) => ({ tasksClaimed: r.tasksClaimed + 1 }));
});

ponder.on("TaskMarket:ClaimLapsed", async ({ event, context }) => {
  const { id, keeper: k, penalty } = event.args;
  await context.db.update(task, { id }).set({ status: "posted", keeper: null, bond: null, claimedAt: null, updatedBlock: event.block.number });
  await recordStep(context, event, id, "claimLapsed", k, { penalty });
  await bumpKeeper(context, k, (r) => ({ tasksLapsed: r.tasksLapsed + 1 }));
  await upsertKeeperEpoch(context, await epochOf(context, event), k, (r) => ({ lapsed: r.lapsed + 1 }));
});

ponder.on("TaskMarket:ResultSubmitted", async ({ event, context }) => {
  const { id, keeper: k, resultHash, since, output, uri } = event.args;
  await context.db.update(task, { id }).set({
    status: "submitted",
    keeper: k,
    resultHash,
    output: output === "0x" ? null : output,
    outputUri: uri || null,
    submittedAt: Number(since),
    updatedBlock: event.block.number,
  });
  await recordStep(context, event, id, "submitted", k, { resultHash, uri, inline: output !== "0x" });
});

ponder.on("TaskMarket:ChallengeCommitted", async ({ event, context }) => {
  await recordStep(context, event, event.args.id, "challengeCommitted", event.transaction.from, { commitment: event.args.commitment });
});

ponder.on("TaskMarket:TaskChallenged", async ({ event, context }) => {
  const { id, challenger, resultHash, bond, uri } = event.args;
  const t = await context.db
    .update(task, { id })
    .set({ status: "challenged", challenger, challengedAt: Number(event.block.timestamp), updatedBlock: event.block.number });
  await recordStep(context, event, id, "challenged", challenger, { resultHash, bond, uri });
  await context.db.update(model, { id: t.modelId }).set((m) => ({ disputes: m.disputes + 1 }));
});

ponder.on("TaskMarket:TaskFinalized", async ({ event, context }) => {
  const { id, keeper: k, resultHash, keeperAmount, protocolFee, credited } = event.args;
  const t = await context.db.update(task, { id }).set({
    status: "finalized",
    keeper: k,
    resultHash,
    keeperAmount,
    protocolFee,
    credited,
    endedAt: Number(event.block.timestamp),
    updatedBlock: event.block.number,
  });
  await recordStep(context, event, id, "finalized", k, { resultHash, keeperAmount, protocolFee, credited });
  await bumpKeeper(context, k, (r) => ({ tasksDone: r.tasksDone + 1, feesEarned: r.feesEarned + keeperAmount }));
  const e = await epochOf(context, event);
  const computeUnits = BigInt(t.computeUnits) * BigInt(t.items);
  const row = await upsertKeeperEpoch(context, e, k, (r) => ({
    tasks: r.tasks + 1,
    inputs: r.inputs + t.items,
    computeUnits: r.computeUnits + computeUnits,
    fees: r.fees + t.fee,
  }));
  await countFinalized(context, e, { inputs: t.items, computeUnits, fee: t.fee, newKeeper: row.tasks === 1 });
});

ponder.on("TaskMarket:TaskExpired", async ({ event, context }) => {
  const { id, requester, refund, penalty } = event.args;
  await context.db.update(task, { id }).set({ status: "expired", refund, endedAt: Number(event.block.timestamp), updatedBlock: event.block.number });
  await recordStep(context, event, id, "expired", requester, { refund, penalty });
});

ponder.on("TaskMarket:TaskRefunded", async ({ event, context }) => {
  const { id, requester, refund } = event.args;
  await context.db.update(task, { id }).set({ status: "refunded", refund, endedAt: Number(event.block.timestamp), updatedBlock: event.block.number });
  await recordStep(context, event, id, "refunded", requester, { refund });
});

ponder.on("TaskMarket:CallbackResult", async ({ event, context }) => {
  await recordStep(context, event, event.args.id, "callback", event.args.callback, { success: event.args.success });
});

ponder.on("TaskMarket:PolicyResult", async ({ event, context }) => {
  const { id, epoch: e, multiplierBps, minFeePerCU, accepted } = event.args;
  await recordStep(context, event, id, "policyResult", null, { epoch: e, multiplierBps, minFeePerCU, accepted });
  const proposed = { proposedMultiplierBps: multiplierBps, proposedMinFeePerCU: minFeePerCU, policyAccepted: accepted };
  await context.db.insert(epoch).values({ id: e, closed: false, credited: 0n, ...proposed }).onConflictDoUpdate(proposed);
});

/** The chain's own measure of a closed epoch, the policy task's input, and the task posted on it. */
ponder.on("TaskMarket:EpochMeasured", async ({ event, context }) => {
  const { epoch: e, metrics, policyTask } = event.args;
  const measured = Object.fromEntries(POLICY_METRICS.map((name, i) => [name, metrics[i]!.toString()]));
  const patch = { measured, policyTask: policyTask === 0n ? null : policyTask };
  await context.db.insert(epoch).values({ id: e, closed: false, credited: 0n, ...patch }).onConflictDoUpdate(patch);
});

ponder.on("TaskMarket:Deposited", async ({ event, context }) => {
  const { requester, from, amount } = event.args;
  await context.db.insert(deposit).values({ id: event.id, requester, kind: "deposited", from, amount, ...at(event) });
  await upsertAccount(context, requester, (r) => ({ deposited: r.deposited + amount }));
});

ponder.on("TaskMarket:DepositWithdrawn", async ({ event, context }) => {
  const { requester, amount } = event.args;
  await context.db.insert(deposit).values({ id: event.id, requester, kind: "withdrawn", from: null, amount, ...at(event) });
  await upsertAccount(context, requester, (r) => ({ depositWithdrawn: r.depositWithdrawn + amount }));
});

ponder.on("TaskMarket:ParameterSet", async ({ event, context }) => {
  await recordParameter(context, event, "TaskMarket", parameterName(event.args.name), event.args.previous, event.args.value);
});
