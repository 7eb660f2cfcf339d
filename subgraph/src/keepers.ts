/**
 * The keeper registry: keepers' profiles, pools and their delegations, commission, rewards,
 * vesting and slashes. Pool amounts follow the registry's own arithmetic, event by event.
 */
import { ponder } from "ponder:registry";
import { delegation, keeper, stakeEvent } from "ponder:schema";
import { and, eq } from "ponder";
import { at, epochOf, json, type Context, type Event } from "./lib/context.js";
import { parameterName, recordParameter } from "./lib/parameters.js";
import { updateConcentration } from "./lib/stats.js";

type Keeper = typeof keeper.$inferSelect;
type Delegation = typeof delegation.$inferSelect;

function recordStake(context: Context, event: Event, k: `0x${string}`, kind: string, amount: bigint, account: `0x${string}` | null, data: Record<string, unknown> = {}) {
  return context.db.insert(stakeEvent).values({ id: event.id, keeper: k, account, kind, amount, data: json(data), ...at(event) });
}

/** A position's row, its shares zeroed when they belong to an era that a slash ended. */
async function positionOf(context: Context, pool: Keeper, account: `0x${string}`): Promise<Delegation> {
  const row = await context.db.find(delegation, { keeper: pool.id, account });
  const fresh = { keeper: pool.id, account, shares: 0n, shareEra: pool.shareEra, unbondReadyAt: null, staked: 0n, unbonded: 0n, withdrawn: 0n, rewardsClaimed: 0n, slashed: 0n };
  if (!row) return fresh;
  return row.shareEra === pool.shareEra ? row : { ...row, shares: 0n, shareEra: pool.shareEra };
}

async function savePosition(context: Context, position: Delegation) {
  const { keeper: k, account, ...rest } = position;
  await context.db.insert(delegation).values(position).onConflictDoUpdate(rest);
}

/** +1 when a delegator's position goes from no shares to some, −1 the other way (the operator is not its own delegator). */
const delegatorDelta = (pool: Keeper, account: string, before: bigint, after: bigint) =>
  account === pool.id ? 0 : before === 0n && after > 0n ? 1 : before > 0n && after === 0n ? -1 : 0;

/** Commission queued earlier that is in force by `now`. */
const commissionNow = (k: Keeper, now: number) =>
  k.pendingCommissionBps !== null && k.commissionEffectiveAt !== null && k.commissionEffectiveAt <= now
    ? { commissionBps: k.pendingCommissionBps, pendingCommissionBps: null, commissionEffectiveAt: null }
    : {};

ponder.on("KeeperRegistry:KeeperRegistered", async ({ event, context }) => {
  const { keeper: id, endpoint, hardwareClass, modelIds, stake, commissionBps } = event.args;
  await context.db.insert(keeper).values({
    id,
    endpoint,
    hardwareClass,
    modelIds: [...modelIds],
    available: true,
    stake: 0n,
    unbonding: 0n,
    totalShares: 0n,
    shareEra: 0,
    delegators: 0,
    commissionBps,
    pendingCommissionBps: null,
    commissionEffectiveAt: null,
    tasksClaimed: 0,
    tasksDone: 0,
    tasksLapsed: 0,
    disputesWon: 0,
    disputesLost: 0,
    slashes: 0,
    slashed: 0n,
    feesEarned: 0n,
    rewards: 0n,
    emissionClaimed: 0n,
    vested: 0n,
    registeredAt: Number(event.block.timestamp),
  });
  await recordStake(context, event, id, "registered", stake, id, { endpoint, modelIds: [...modelIds], commissionBps });
});

ponder.on("KeeperRegistry:ProfileUpdated", async ({ event, context }) => {
  await context.db.update(keeper, { id: event.args.keeper }).set({ endpoint: event.args.endpoint, hardwareClass: event.args.hardwareClass });
});

ponder.on("KeeperRegistry:ModelsUpdated", async ({ event, context }) => {
  await context.db.update(keeper, { id: event.args.keeper }).set({ modelIds: [...event.args.modelIds] });
});

ponder.on("KeeperRegistry:AvailabilitySet", async ({ event, context }) => {
  await context.db.update(keeper, { id: event.args.keeper }).set({ available: event.args.available });
});

ponder.on("KeeperRegistry:CommissionQueued", async ({ event, context }) => {
  const { keeper: id, bps, effectiveAt } = event.args;
  await context.db
    .update(keeper, { id })
    .set((k) => ({ ...commissionNow(k, Number(event.block.timestamp)), pendingCommissionBps: bps, commissionEffectiveAt: Number(effectiveAt) }));
  await recordStake(context, event, id, "commissionQueued", 0n, id, { bps, effectiveAt });
});

ponder.on("KeeperRegistry:Staked", async ({ event, context }) => {
  const { keeper: id, account, amount, shares } = event.args;
  const pool = (await context.db.find(keeper, { id }))!;
  const position = await positionOf(context, pool, account);
  await savePosition(context, { ...position, shares: position.shares + shares, staked: position.staked + amount });
  await context.db.update(keeper, { id }).set({
    stake: pool.stake + amount,
    totalShares: pool.totalShares + shares,
    delegators: pool.delegators + delegatorDelta(pool, account, position.shares, position.shares + shares),
  });
  await recordStake(context, event, id, "staked", amount, account, { shares });
  await updateConcentration(context, await epochOf(context, event));
});

ponder.on("KeeperRegistry:UnbondRequested", async ({ event, context }) => {
  const { keeper: id, account, amount, shares, readyAt } = event.args;
  const pool = (await context.db.find(keeper, { id }))!;
  const position = await positionOf(context, pool, account);
  const left = position.shares - shares;
  await savePosition(context, { ...position, shares: left, unbonded: position.unbonded + amount, unbondReadyAt: Number(readyAt) });
  await context.db.update(keeper, { id }).set({
    stake: pool.stake - amount,
    unbonding: pool.unbonding + amount,
    totalShares: pool.totalShares - shares,
    delegators: pool.delegators + delegatorDelta(pool, account, position.shares, left),
  });
  await recordStake(context, event, id, "unbondRequested", amount, account, { shares, readyAt });
  await updateConcentration(context, await epochOf(context, event));
});

ponder.on("KeeperRegistry:Withdrawn", async ({ event, context }) => {
  const { keeper: id, account, amount } = event.args;
  await context.db.update(keeper, { id }).set((k) => ({ unbonding: k.unbonding - amount }));
  await context.db.update(delegation, { keeper: id, account }).set((d) => ({ withdrawn: d.withdrawn + amount }));
  await recordStake(context, event, id, "withdrawn", amount, account);
});

ponder.on("KeeperRegistry:Slashed", async ({ event, context }) => {
  const { keeper: id, to, amount, fromBond, fromStake, fromUnbonding } = event.args;
  const pool = (await context.db.find(keeper, { id }))!;
  const fromPool = fromBond + fromStake;
  // The slash falls on the shares in proportion: each position's part, for its record.
  if (fromPool > 0n && pool.totalShares > 0n) {
    const positions = await context.db.sql
      .select()
      .from(delegation)
      .where(and(eq(delegation.keeper, id), eq(delegation.shareEra, pool.shareEra)));
    for (const p of positions) {
      if (p.shares === 0n) continue;
      await context.db.update(delegation, { keeper: id, account: p.account }).set({ slashed: p.slashed + (p.shares * fromPool) / pool.totalShares });
    }
  }
  const stake = pool.stake - fromPool;
  const eraEnds = stake === 0n && pool.totalShares !== 0n;
  await context.db.update(keeper, { id }).set({
    stake,
    unbonding: pool.unbonding - fromUnbonding,
    slashes: pool.slashes + 1,
    slashed: pool.slashed + amount,
    ...(eraEnds ? { totalShares: 0n, shareEra: pool.shareEra + 1, delegators: 0 } : {}),
  });
  await recordStake(context, event, id, "slashed", amount, null, { to, fromBond, fromStake, fromUnbonding });
  await updateConcentration(context, await epochOf(context, event));
});

ponder.on("KeeperRegistry:Rewarded", async ({ event, context }) => {
  await context.db.update(keeper, { id: event.args.keeper }).set((k) => ({ rewards: k.rewards + event.args.amount }));
});

ponder.on("KeeperRegistry:RewardsClaimed", async ({ event, context }) => {
  const { keeper: id, account, amount } = event.args;
  const position = await positionOf(context, (await context.db.find(keeper, { id }))!, account);
  await savePosition(context, { ...position, rewardsClaimed: position.rewardsClaimed + amount });
  await recordStake(context, event, id, "rewardsClaimed", amount, account);
});

ponder.on("KeeperRegistry:Vested", async ({ event, context }) => {
  const { keeper: id, amount, unvested, vestedAt } = event.args;
  await context.db.update(keeper, { id }).set((k) => ({ vested: k.vested + amount }));
  await recordStake(context, event, id, "vested", amount, id, { unvested, vestedAt });
});

ponder.on("KeeperRegistry:ParameterSet", async ({ event, context }) => {
  await recordParameter(context, event, "KeeperRegistry", parameterName(event.args.name), event.args.previous, event.args.value);
});
