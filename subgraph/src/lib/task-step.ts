/** A step in a task's history: one `taskEvent` row, with block, time and transaction. */
import { taskEvent, TASK_STEPS } from "ponder:schema";
import { at, json, type Context, type Event } from "./context.js";

export type TaskStep = (typeof TASK_STEPS)[number];

export function recordStep(context: Context, event: Event, taskId: bigint, step: TaskStep, actor: `0x${string}` | null, data: Record<string, unknown> = {}) {
  return context.db.insert(taskEvent).values({ id: event.id, taskId, step, actor, data: json(data), logIndex: event.log.logIndex, ...at(event) });
}
