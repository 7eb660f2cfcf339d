/** PAR: transfers and balances, votes and their delegation, and the cap's governance. */
import { ponder } from "ponder:registry";
import { transfer } from "ponder:schema";
import { zeroAddress } from "viem";
import { at } from "./lib/context.js";
import { recordParameter } from "./lib/parameters.js";
import { upsertAccount } from "./lib/rows.js";

ponder.on("ParadigmToken:Transfer", async ({ event, context }) => {
  const { from, to, value } = event.args;
  await context.db.insert(transfer).values({ id: event.id, from, to, value, ...at(event) });
  if (from !== zeroAddress) await upsertAccount(context, from, (row) => ({ balance: row.balance - value }));
  if (to !== zeroAddress) await upsertAccount(context, to, (row) => ({ balance: row.balance + value }));
});

ponder.on("ParadigmToken:DelegateChanged", async ({ event, context }) => {
  await upsertAccount(context, event.args.delegator, () => ({ delegate: event.args.toDelegate }));
});

ponder.on("ParadigmToken:DelegateVotesChanged", async ({ event, context }) => {
  await upsertAccount(context, event.args.delegate, () => ({ votes: event.args.newVotes }));
});

ponder.on("ParadigmToken:CapRaised", async ({ event, context }) => {
  await recordParameter(context, event, "ParadigmToken", "cap", event.args.previousCap, event.args.newCap);
});

ponder.on("ParadigmToken:CapGrowthMaxBpsSet", async ({ event, context }) => {
  await recordParameter(context, event, "ParadigmToken", "capGrowthMaxBps", BigInt(event.args.previousBps), BigInt(event.args.newBps));
});
