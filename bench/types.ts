import type { NetworkConnection } from "hardhat/types/network";

/** One benchmark figure. A name keeps its meaning once chosen. */
export type BenchRow = { name: string; value: number; unit: "gas" | "rows/s" | "events/s" | "KB" | "tasks/s" | "ms" | "s" | "ratio" | "count" | "PAR" | "epochs/s" };

/** A benchmark suite: gets a fresh in-process EDR chain, returns its figures. */
export type BenchSuite = (connection: NetworkConnection) => Promise<BenchRow[]>;

/** Gas used by a mined transaction, 21,000 base cost and calldata included. */
export async function gasOf(connection: NetworkConnection, hash: `0x${string}`): Promise<number> {
  const publicClient = await connection.viem.getPublicClient();
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  return Number(receipt.gasUsed);
}

/**
 * Makes block times (and so block hashes, which seed assignment and jury draws) the same on every
 * run: each block that no call has given a timestamp gets the previous one + 1 s, instead of the
 * wall clock. Gas rows that depend on who is drawn then do not move between runs. Use it only in
 * suites that do not need time to pass on its own (no interval mining).
 */
export function pinBlockTimes(connection: NetworkConnection) {
  const provider = connection.provider;
  const request = provider.request.bind(provider);
  let pinned = false; // a caller set the next block's timestamp itself
  provider.request = (async (args: { method: string; params?: unknown[] }) => {
    if (args.method === "evm_setNextBlockTimestamp") pinned = true;
    if (["eth_sendTransaction", "eth_sendRawTransaction", "evm_mine", "hardhat_mine"].includes(args.method)) {
      if (!pinned) {
        const latest = (await request({ method: "eth_getBlockByNumber", params: ["latest", false] })) as { timestamp: string };
        await request({ method: "evm_setNextBlockTimestamp", params: [`0x${(BigInt(latest.timestamp) + 1n).toString(16)}`] });
      }
      pinned = false;
    }
    return request(args);
  }) as typeof provider.request;
}
