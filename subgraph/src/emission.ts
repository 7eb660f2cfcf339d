/** The emission pool: years, epochs (amount, the policy against the guardrails, the fee floor), credited work and claims. */
import { ponder } from "ponder:registry";
import { emissionClaim, emissionYear, epoch, keeper, workCredit } from "ponder:schema";
import { at, type Context } from "./lib/context.js";
import { parameterName, recordParameter } from "./lib/parameters.js";
import { upsertKeeperEpoch } from "./lib/rows.js";

type Epoch = typeof epoch.$inferSelect;

function upsertEpoch(context: Context, id: bigint, patch: (row: Epoch) => Partial<Epoch>) {
  const fresh = {
    id, closed: false, baseline: null, multiplierBps: null, amount: null, totalWork: null, fromPolicy: null,
    proposedMultiplierBps: null, proposedMinFeePerCU: null, policyAccepted: null, appliedMultiplierBps: null,
    minFeePerCU: null, rollover: null, credited: 0n, measured: null, policyTask: null,
  };
  return context.db.insert(epoch).values({ ...fresh, ...patch(fresh) }).onConflictDoUpdate(patch);
}

ponder.on("EmissionPool:YearStarted", async ({ event, context }) => {
  const { year, firstEpoch, budget, available } = event.args;
  await context.db.insert(emissionYear).values({ id: year, firstEpoch, budget, available, startedAt: Number(event.block.timestamp) });
});

ponder.on("EmissionPool:EpochClosed", async ({ event, context }) => {
  const { epoch: id, baseline, multiplierBps, amount, totalWork, fromPolicy } = event.args;
  await upsertEpoch(context, id, () => ({ closed: true, baseline, multiplierBps, amount, totalWork, fromPolicy }));
});

ponder.on("EmissionPool:PolicyProposed", async ({ event, context }) => {
  const { epoch: id, multiplierBps, minFeePerCU } = event.args;
  await upsertEpoch(context, id, () => ({ appliedMultiplierBps: multiplierBps, minFeePerCU }));
});

ponder.on("EmissionPool:Rollover", async ({ event, context }) => {
  await upsertEpoch(context, event.args.epoch, () => ({ rollover: event.args.amount }));
});

ponder.on("EmissionPool:WorkCredited", async ({ event, context }) => {
  const { epoch: e, contributor, units, zeroFeeUnits, backing } = event.args;
  const credit = { units, zeroFeeUnits, backing };
  await context.db
    .insert(workCredit)
    .values({ epoch: e, contributor, ...credit })
    .onConflictDoUpdate((r) => ({ units: r.units + units, zeroFeeUnits: r.zeroFeeUnits + zeroFeeUnits, backing: r.backing + backing }));
  await upsertEpoch(context, e, (r) => ({ credited: r.credited + units }));
  if (await context.db.find(keeper, { id: contributor })) await upsertKeeperEpoch(context, e, contributor, (r) => ({ credit: r.credit + units }));
});

ponder.on("EmissionPool:Claimed", async ({ event, context }) => {
  const { contributor, fromEpoch, toEpoch, amount } = event.args;
  await context.db.insert(emissionClaim).values({ id: event.id, contributor, fromEpoch, toEpoch, amount, ...at(event) });
  if (await context.db.find(keeper, { id: contributor })) {
    await context.db.update(keeper, { id: contributor }).set((k) => ({ emissionClaimed: k.emissionClaimed + amount }));
  }
});

ponder.on("EmissionPool:ParameterSet", async ({ event, context }) => {
  await recordParameter(context, event, "EmissionPool", parameterName(event.args.name), event.args.previous, event.args.value);
});
