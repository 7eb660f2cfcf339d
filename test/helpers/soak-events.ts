/**
 * What the chain recorded during the soak, read back after it: every event of the market, the
 * court and the keeper registry, the time of each block, and the market and court transactions
 * that were mined but reverted (races lost on chain, gas spent for nothing).
 */
import { decodeFunctionData, parseEventLogs, type Address, type Hex, type PublicClient } from "viem";
import { keeperRegistryAbi, taskCourtAbi, taskMarketAbi } from "../../keepers/src/abi.js";

const abi = [...taskMarketAbi, ...taskCourtAbi, ...keeperRegistryAbi];

/** One event, its arguments loosely typed (the test reads each by name). */
export type ChainEvent = { name: string; args: Record<string, any>; block: bigint; tx: Hex; time: number };

export type SoakEvents = {
  events: ChainEvent[];
  /** Transactions to the market or the court mined between the soak's first and last block, by function: mined / reverted. */
  calls: Map<string, { mined: number; reverted: number }>;
};

/** Reads the soak's events and transactions, from block `from` to the latest. */
export async function readEvents(client: PublicClient, contracts: { market: Address; court: Address; keepers: Address }, from: bigint): Promise<SoakEvents> {
  const to = await client.getBlockNumber();
  const times = new Map<bigint, number>();
  const calls = new Map<string, { mined: number; reverted: number }>();
  const targets = new Set([contracts.market, contracts.court].map((a) => a.toLowerCase()));
  for (let n = from; n <= to; n++) {
    const block = await client.getBlock({ blockNumber: n, includeTransactions: true });
    times.set(n, Number(block.timestamp));
    for (const tx of block.transactions) {
      if (!tx.to || !targets.has(tx.to.toLowerCase())) continue;
      const name = functionName(tx.input);
      const count = calls.get(name) ?? { mined: 0, reverted: 0 };
      count.mined++;
      if ((await client.getTransactionReceipt({ hash: tx.hash })).status === "reverted") count.reverted++;
      calls.set(name, count);
    }
  }
  const logs = await client.getLogs({ address: [contracts.market, contracts.court, contracts.keepers], fromBlock: from, toBlock: to });
  const events = parseEventLogs({ abi, logs, strict: false }).map((e) => ({
    name: e.eventName as string,
    args: (e.args ?? {}) as Record<string, any>,
    block: e.blockNumber,
    tx: e.transactionHash,
    time: times.get(e.blockNumber)!,
  }));
  return { events, calls };
}

function functionName(input: Hex): string {
  try {
    return decodeFunctionData({ abi, data: input }).functionName;
  } catch {
    return input.slice(0, 10);
  }
}

/** The events named `name`. */
export const named = (events: ChainEvent[], name: string) => events.filter((e) => e.name === name);
