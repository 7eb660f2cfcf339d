/** Governance parameters in force, with their history, whichever contract sets them. */
import { hexToString, type Hex } from "viem";
import { parameter, parameterChange } from "ponder:schema";
import { at, type Context, type Event } from "./context.js";

/** A parameter's name as the contracts spell it: a bytes32 holding a short string. */
export const parameterName = (name: Hex) => hexToString(name, { size: 32 }).replace(/\0+$/, "");

/** Records that `contract`'s parameter `name` went from `previous` to `value`. */
export async function recordParameter(context: Context, event: Event, contract: string, name: string, previous: bigint, value: bigint) {
  const { block, timestamp, tx } = at(event);
  await context.db.insert(parameterChange).values({ id: event.id, contract, name, previous, value, block, timestamp, tx });
  await context.db
    .insert(parameter)
    .values({ contract, name, value, updatedAt: timestamp, changes: 1 })
    .onConflictDoUpdate((row) => ({ value, updatedAt: timestamp, changes: row.changes + 1 }));
}

/**
 * The value of `contract`'s parameter `name` in force at `event`: the last one set, or, before any
 * change, the deployed default that `read` returns (stored, so that it is read from the chain once).
 */
export async function parameterAt(context: Context, event: Event, contract: string, name: string, read: () => Promise<bigint>) {
  const row = await context.db.find(parameter, { contract, name });
  if (row) return row.value;
  const value = await read();
  await context.db.insert(parameter).values({ contract, name, value, updatedAt: Number(event.block.timestamp), changes: 0 });
  return value;
}
