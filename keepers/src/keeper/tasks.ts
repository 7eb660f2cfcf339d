/** What the keeper keeps by task id, and how it is forgotten once a task closes or a reorg. */
import type { TaskState } from "../chain/taskbook.js";
import type { PoolResult } from "../pool.js";
import type { KeeperContext } from "./context.js";

export type TaskMemory = {
  declined: Map<bigint, string>;
  /** Skipped for lack of free stake (logged once, retried). */
  lowStake: Set<bigint>;
  /** Ids with an action in flight. */
  busy: Set<bigint>;
  /** Watchtower: already sampled. */
  checked: Set<bigint>;
  /** My own computed results, by task id. */
  results: Map<bigint, PoolResult>;
  /** Task id → wall time before which a failed action is not retried. */
  cooldown: Map<bigint, number>;
  /** Task id → wall time a court action (draw, resolve, close) became possible: turns count from it. */
  possibleSince: Map<bigint, number>;
  /** Escalated disputes: when anyone may close them. */
  arbitrationEnds: Map<bigint, number>;
  /** Disputes: until when a rival may join (the jury is drawn after). */
  windowEnds: Map<bigint, number>;
  /** Challenged tasks where one side agrees with me, or I cannot bond a rival. */
  rivalChecked: Set<bigint>;
  /** Task id → inference crashes met (the task is run again). */
  crashes: Map<bigint, number>;
  /** Inputs published by URI, once fetched. */
  fetched: Map<bigint, Uint8Array>;
  fetching: Map<bigint, Promise<Uint8Array>>;
  /** Inputs whose URI did not answer yet. */
  unanswered: Map<bigint, { tries: number; until: number }>;
};

export function createTaskMemory(): TaskMemory {
  return {
    declined: new Map(),
    lowStake: new Set(),
    busy: new Set(),
    checked: new Set(),
    results: new Map(),
    cooldown: new Map(),
    possibleSince: new Map(),
    arbitrationEnds: new Map(),
    windowEnds: new Map(),
    rivalChecked: new Set(),
    crashes: new Map(),
    fetched: new Map(),
    fetching: new Map(),
    unanswered: new Map(),
  };
}

/** Drops what is kept by task id for tasks the book no longer holds, and all of it after a reorg. */
export function forgetStale(ctx: KeeperContext) {
  const { book, tasks: k } = ctx;
  const byId = [k.results, k.declined, k.checked, k.crashes, k.lowStake, k.cooldown, k.possibleSince, k.arbitrationEnds, k.windowEnds, k.rivalChecked, k.fetched, k.fetching, k.unanswered]; // all the keeper keeps by task id
  if (book.rebuilds !== ctx.rebuilds) {
    // a reorg: a task id may now stand for another task, so nothing kept by id still holds
    ctx.rebuilds = book.rebuilds;
    for (const m of byId) m.clear();
    ctx.log("chain.reorg", { rescanned: book.head, tasks: book.tasks.size });
  }
  // what is kept by task id goes once the task closes (the book drops closed tasks)
  for (const m of byId) for (const id of m.keys()) if (!book.tasks.has(id)) m.delete(id);
}

export function decline(ctx: KeeperContext, t: TaskState, reason: string) {
  if (ctx.tasks.declined.has(t.id)) return;
  ctx.tasks.declined.set(t.id, reason);
  ctx.metrics.inc("par_tasks_declined_total");
  ctx.log("task.declined", { id: t.id, model: t.task.modelId, reason });
}

/** A task this keeper holds the claim (and bond) of. */
export const isMine = (ctx: KeeperContext, t: TaskState) => t.phase === "Claimed" && t.task.keeper.toLowerCase() === ctx.me.toLowerCase();
