/**
 * Turning credited work into PAR from the wallet, as the SDK's collectEarnings does: flush the
 * account's work of an ended epoch from the market, close ended epochs (up to 4), then claim the
 * newest run of closed epochs with a share.
 */
import { emissionPoolAbi, taskMarketAbi } from "@paradigm/keepers/abi";
import { parseEventLogs, type Address } from "viem";
import type { TxTools } from "../tx/useTx";
import { par } from "../ui/format";

export const LOOKBACK = 16;

export async function collect(t: TxTools, pool: Address, market: Address): Promise<string> {
  const P = { address: pool, abi: emissionPoolAbi } as const;
  const M = { address: market, abi: taskMarketAbi } as const;
  const current = await t.client.readContract({ ...P, functionName: "currentEpoch" });
  const [, , epoch, credit] = await t.client.readContract({ ...M, functionName: "accountOf", args: [t.account] });
  if (credit > 0n && epoch < current) await t.send({ ...M, functionName: "flush", args: [[t.account]] }, "flush your work to the pool");
  for (let i = 0; i < 4; i++) {
    const next = await t.client.readContract({ ...P, functionName: "nextEpochToClose" });
    if (next >= current) break;
    if ((await t.client.readContract({ ...P, functionName: "deferredOf", args: [next] })) > 0n) break;
    await t.send({ ...P, functionName: "closeEpoch" }, `close epoch ${next}`);
  }
  const closedThrough = (await t.client.readContract({ ...P, functionName: "nextEpochToClose" })) - 1n;
  const epochs = Array.from({ length: LOOKBACK }, (_, i) => closedThrough - BigInt(i)).filter((e) => e >= 0n);
  const shares = await Promise.all(epochs.map((e) => t.client.readContract({ ...P, functionName: "claimable", args: [t.account, e] })));
  let from: bigint | undefined;
  let to = 0n;
  for (const [i, e] of epochs.entries()) {
    if (shares[i] === 0n) { if (from !== undefined) break; continue; }
    if (from === undefined) to = e;
    from = e;
  }
  if (from === undefined) throw new Error("nothing to claim yet: your work is credited to an epoch that has not closed, or was claimed");
  const receipt = await t.send({ ...P, functionName: "claim", args: [from, to] }, `claim epochs ${from}–${to}`);
  const [ev] = parseEventLogs({ abi: emissionPoolAbi, logs: receipt.logs, eventName: "Claimed" });
  return `claimed ${par(ev?.args.amount ?? 0n)} for epochs ${from}–${to}`;
}
