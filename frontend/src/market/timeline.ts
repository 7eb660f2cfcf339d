/**
 * A task's life read from the market's events (the chain; no indexer needed): posted → claimed →
 * submitted → (challenged) → finalized, or expired / refunded. It also rebuilds the `Task` struct
 * that every market call takes (the market checks it against its stored word).
 */
import { taskMarketAbi } from "@paradigm/keepers/abi";
import { zeroAddress, type Address, type Hex, type PublicClient } from "viem";

export type Phase = "Open" | "Claimed" | "Submitted" | "Challenged" | "Finalized" | "Expired" | "Refunded";

export type TaskStruct = {
  requester: Address; fee: bigint; modelId: number; computeUnits: number; deadline: number; postedAt: number; postBlock: bigint;
  callback: Address; callbackGas: number; keeper: Address; bond: bigint; since: number; resultHash: Hex;
};

export type Timeline = {
  id: bigint; phase: Phase; task: TaskStruct; items: number; input: Hex;
  postedTx: Hex; claimedAt?: number; submittedAt?: number; output?: Hex; outputUri?: string;
  challenger?: Address; finalizedTx?: Hex; keeperAmount?: bigint; refund?: bigint;
};


export async function readTimeline(client: PublicClient, market: Address, id: bigint, fromBlock: bigint): Promise<Timeline | undefined> {
  const logs = await client.getContractEvents({ address: market, abi: taskMarketAbi, fromBlock, args: { id } as never });
  const mine = logs.filter((l) => (l.args as { id?: bigint }).id === id);
  const posted = mine.find((l) => l.eventName === "TaskPosted");
  if (!posted) return undefined;
  const a = posted.args as Record<string, never>;
  const t: Timeline = {
    id, phase: "Open", items: 1, input: a.input, postedTx: posted.transactionHash,
    task: {
      requester: a.requester, fee: a.fee, modelId: Number(a.modelId), computeUnits: Number(a.computeUnits), deadline: Number(a.deadline),
      postedAt: Number(a.postedAt), postBlock: a.postBlock, callback: a.callback, callbackGas: Number(a.callbackGas), keeper: zeroAddress, bond: 0n, since: 0,
      resultHash: `0x${"00".repeat(32)}`,
    },
  };
  for (const l of mine) {
    const e = l.args as Record<string, never>;
    switch (l.eventName) {
      case "LotPosted": t.items = Number(e.items); break;
      case "TaskClaimed": Object.assign(t.task, { keeper: e.keeper, bond: e.bond, since: Number(e.since) }); t.phase = "Claimed"; t.claimedAt = Number(e.since); break;
      case "ResultSubmitted":
        Object.assign(t.task, { since: Number(e.since), resultHash: e.resultHash });
        t.phase = "Submitted"; t.submittedAt = Number(e.since); t.output = e.output; t.outputUri = e.uri; break;
      case "TaskChallenged": t.phase = "Challenged"; t.challenger = e.challenger; break;
      case "TaskFinalized": t.phase = "Finalized"; t.finalizedTx = l.transactionHash; t.keeperAmount = e.keeperAmount; break;
      case "TaskExpired": t.phase = "Expired"; t.refund = e.refund; break;
      case "TaskRefunded": t.phase = "Refunded"; t.refund = e.refund; break;
    }
  }
  return t;
}
