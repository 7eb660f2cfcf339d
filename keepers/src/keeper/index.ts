/**
 * The keeper node (`par keeper run`): watches the market, runs tasks for the models it serves in
 * the worker pool, claims those it can answer and submits their results in batches, finalizes
 * tasks after their window, samples others' results as a watchtower and challenges wrong ones,
 * and serves on juries.
 *
 * All state is rebuilt from chain events (TaskBook), so a keeper killed at any point resumes
 * where the chain says it is. Juror salts are derived from the key (not stored), so a restarted
 * juror can still reveal. Nothing a requester sends can crash it: a bad task is declined with a
 * logged reason.
 */
export type { KeeperOptions } from "./context.js";
export { startKeeper, type Keeper } from "./loop.js";
