/** What every handler needs: the indexing context's type, where an event happened, and its epoch. */
import type { Context as PonderContext, Event as PonderEvent } from "ponder:registry";
import { replaceBigInts } from "ponder";
import { emissionPoolAbi } from "@paradigm/keepers/abi";
import { epochAt } from "@paradigm/keepers/network-metrics";

export type Context = PonderContext;
export type Event = Pick<PonderEvent, "id" | "block" | "transaction" | "log">;

/** Block, time and transaction of an event: the columns of every history row. */
export function at(event: Event) {
  return { block: event.block.number, timestamp: Number(event.block.timestamp), tx: event.transaction.hash };
}

/** Event fields as JSON: bigints as decimal strings. */
export function json(data: Record<string, unknown>): Record<string, unknown> {
  return replaceBigInts(data, (v) => v.toString()) as Record<string, unknown>;
}

// The pool's genesis and epoch length are immutable: read once per pool.
const clocks = new Map<string, Promise<{ genesis: bigint; epochLength: bigint }>>();

/** The emission epoch of an event, as EmissionPool.currentEpoch gives it at that block. */
export async function epochOf(context: Context, event: Event): Promise<bigint> {
  const address = context.contracts.EmissionPool.address as `0x${string}`;
  let clock = clocks.get(address);
  if (!clock) {
    const read = (functionName: "genesis" | "epochLength") =>
      context.client.readContract({ abi: emissionPoolAbi, address, functionName, blockNumber: event.block.number });
    clock = Promise.all([read("genesis"), read("epochLength")]).then(([genesis, epochLength]) => ({ genesis, epochLength }));
    clock.catch(() => clocks.delete(address));
    clocks.set(address, clock);
  }
  const { genesis, epochLength } = await clock;
  return epochAt(event.block.timestamp, genesis, epochLength);
}
