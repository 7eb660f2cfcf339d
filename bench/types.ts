import type { NetworkConnection } from "hardhat/types/network";

/** One benchmark figure. A name keeps its meaning once chosen. */
export type BenchRow = { name: string; value: number; unit: "gas" | "rows/s" | "tasks/s" | "ms" | "ratio" };

/** A benchmark suite: gets a fresh in-process EDR chain, returns its figures. */
export type BenchSuite = (connection: NetworkConnection) => Promise<BenchRow[]>;

/** Gas used by a mined transaction, 21,000 base cost and calldata included. */
export async function gasOf(connection: NetworkConnection, hash: `0x${string}`): Promise<number> {
  const publicClient = await connection.viem.getPublicClient();
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  return Number(receipt.gasUsed);
}
