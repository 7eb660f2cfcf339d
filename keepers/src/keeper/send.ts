/** Sending the keeper's transactions: a write, then its receipt; a failure counts as an RPC error. */
import type { Hex } from "viem";
import type { KeeperContext } from "./context.js";

export async function send(ctx: KeeperContext, what: string, write: () => Promise<Hex>) {
  try {
    const hash = await write();
    const r = await ctx.clients.publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`${what} reverted (tx ${hash})`);
    return r;
  } catch (e) {
    ctx.metrics.inc("par_rpc_errors_total");
    throw e;
  }
}
