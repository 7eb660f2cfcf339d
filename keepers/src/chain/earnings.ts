/**
 * Turns a keeper's verified work into PAR. Finalize books pay and work credit to the keeper's
 * account in the market; `flush` moves them to its pool and to the emission pool; an ended epoch
 * closes once every account holding its work is flushed; then the keeper claims its emission.
 * Every step is permissionless and idempotent, so a restarted keeper just carries on.
 */
import { parseEventLogs, type Address, type Hex } from "viem";
import { emissionPoolAbi } from "../abi.js";
import type { ParadigmClients } from "./client.js";
import { mined } from "./requester.js";

export type EarningsStep = { flushed: Address[]; closed: bigint[]; claimed: bigint; epochs?: [bigint, bigint]; more: boolean };

/** Most epochs closed in one pass, so a long-idle chain is caught up over several passes. */
export const MAX_CLOSES_PER_PASS = 4;
/** How many closed epochs back a pass looks for unclaimed shares. */
export const CLAIM_LOOKBACK = 16;

/**
 * One pass: flush accounts (ours and those of `others`, e.g. keepers seen finalizing) that hold
 * work of an ended epoch, close every ended epoch, and claim our share of the closed ones.
 */
export async function collectEarnings(c: ParadigmClients, others: Iterable<Address> = []): Promise<EarningsStep> {
  const me = c.account?.address;
  const pool = c.contracts.pool;
  if (!me || !c.walletClient || !pool) throw new Error("collecting earnings needs a key and the EmissionPool address");
  const tx = { account: c.walletClient.account, chain: c.walletClient.chain };
  const step: EarningsStep = { flushed: [], closed: [], claimed: 0n, more: false };
  const current = await pool.read.currentEpoch();

  for (const k of new Set([me, ...others])) {
    const [, , epoch, credit] = await c.contracts.market.read.accountOf([k]);
    if (credit > 0n && epoch < current) step.flushed.push(k);
  }
  if (step.flushed.length > 0) await mined(c, await c.contracts.market.write.flush([step.flushed], tx), "flush");

  for (let e = await pool.read.nextEpochToClose(); e < current; e++) {
    if (step.closed.length === MAX_CLOSES_PER_PASS) {
      step.more = true;
      break;
    }
    // Another keeper may close it first, or work of a keeper we don't know may still be deferred.
    const deferred = await pool.read.deferredOf([e]);
    if (deferred > 0n) break;
    try {
      await mined(c, (await pool.write.closeEpoch(tx)) as Hex, "closeEpoch");
      step.closed.push(e);
    } catch {
      break;
    }
  }

  // Our shares in the last CLAIM_LOOKBACK closed epochs, read at once; claim the newest
  // contiguous run of epochs with a share (claim() refuses ranges with a claimed epoch).
  const closedThrough = (await pool.read.nextEpochToClose()) - 1n;
  const epochs = Array.from({ length: CLAIM_LOOKBACK }, (_, i) => closedThrough - BigInt(i)).filter((e) => e >= 0n);
  const shares = await Promise.all(epochs.map((e) => pool.read.claimable([me, e])));
  let from: bigint | undefined;
  let to = 0n;
  for (const [i, e] of epochs.entries()) {
    if (shares[i] === 0n) {
      if (from !== undefined) break;
      continue;
    }
    if (from === undefined) to = e;
    from = e;
  }
  if (from !== undefined) {
    // While genesis vesting is on, the claim goes into our stake, not the wallet: read the event.
    const receipt = await mined(c, await pool.write.claim([from, to], tx), "claim");
    const [claimed] = parseEventLogs({ abi: emissionPoolAbi, logs: receipt.logs, eventName: "Claimed" });
    step.claimed = claimed?.args.amount ?? 0n;
    step.epochs = [from, to];
  }
  return step;
}

/** A pass as log fields: only what it did, so a pass that claimed nothing logs no epochs. */
export function earningsFields(step: EarningsStep): Record<string, unknown> {
  return {
    ...(step.flushed.length > 0 && { flushed: step.flushed.length }),
    ...(step.closed.length > 0 && { closed: step.closed.join(",") }),
    ...(step.epochs && { claimed: step.claimed, epochs: `${step.epochs[0]}-${step.epochs[1]}` }),
  };
}
