/** The model registry: proposals, approvals and retirements (usage is counted by market.ts). */
import { ponder } from "ponder:registry";
import { model } from "ponder:schema";
import { json } from "./lib/context.js";

ponder.on("ModelRegistry:ModelProposed", async ({ event, context }) => {
  const { id, modelHash, proposer, spec } = event.args;
  await context.db.insert(model).values({
    id,
    modelHash,
    proposer,
    status: "proposed",
    computeUnits: spec.computeUnits,
    spec: json({ ...spec }),
    tasks: 0,
    inputs: 0,
    fees: 0n,
    disputes: 0,
    proposedAt: Number(event.block.timestamp),
  });
});

ponder.on("ModelRegistry:ModelApproved", async ({ event, context }) => {
  await context.db.update(model, { id: event.args.id }).set({ status: "approved" });
});

ponder.on("ModelRegistry:ModelRetired", async ({ event, context }) => {
  await context.db.update(model, { id: event.args.id }).set({ status: "retired" });
});
