/**
 * Indexer figures (docs/indexer.md explains each), the real indexer (`ponder start`, PGlite)
 * against an EDR chain served over HTTP:
 * - indexer.backfill.eventsPerSec: a cold start over a chain holding BENCH_INDEXER_TASKS (10,000)
 *   finalized zero-fee tasks, posted by 11 requesters, then claimed, submitted and finalized in
 *   batches of 100 by 6 keepers, in blocks of 10 such transactions (an L2 packs many in a block):
 *   the protocol's events on the chain, divided by the seconds from the indexer's start until it
 *   has indexed the chain's head (30 empty blocks follow the last task: a cold start comes later);
 * - indexer.leaderboard.p50: the per-epoch keeper leaderboard query (keeperEpochs of the busiest
 *   epoch by fees, top 20) over GraphQL with those tasks indexed, 50 runs;
 * - indexer.lag.p50 / p99: the chain then mines a block a second with a task posted in each (the
 *   devnet's load); ms from when the block is first seen on the RPC (polled every 10 ms) until the
 *   task it holds is visible through GraphQL (polled every 10 ms), over 60 blocks.
 */
import { network } from "hardhat";
import type { Hex } from "viem";
import { deployScenarioChain } from "../test/helpers/indexer-scenario.js";
import { graphql, startIndexer, waitForBlock } from "../test/helpers/indexer.js";
import { param } from "../test/helpers/market.js";
import { startPostgres } from "../test/helpers/postgres.js";
import { serveRpc } from "../test/helpers/sdk-chain.js";
import type { BenchRow, BenchSuite } from "./types.js";

const TASKS = Number(process.env.BENCH_INDEXER_TASKS ?? 10_000);
const BATCH = 100;
const PER_BLOCK = 10;
const OUTPUT = "0x0a00000000000000f4ffffffffffffff" as Hex;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const suite: BenchSuite = async () => {
  // its own chain, not the harness's: the harness pins genesis to 2030, and the lag runs on the wall clock
  const conn = await network.create({ override: { blockGasLimit: 200_000_000n } });
  const s = await deployScenarioChain(conn);
  const { f } = s;
  // zero-fee tasks, up to the allowance's bound of 1,000 a day per requester: 11 requesters
  await f.market.write.setParameter([param("zeroFeeLimit"), 1_000n]);
  const keepers = f.keeperWallets.slice(0, 6);
  const requesters = [f.requester, f.stranger, f.admin, ...f.keeperWallets.slice(6)];
  if (TASKS > (requesters.length - 1) * 1_000) throw new Error(`BENCH_INDEXER_TASKS: at most ${(requesters.length - 1) * 1_000} (the last requester posts the lag run)`);
  for (const w of keepers) await f.register(w, 0n, [1]);
  const deadline = (await f.now()) + 30 * 86_400;
  const post = { modelId: 1, items: 1, fee: 0n, deadline, callback: "0x0000000000000000000000000000000000000000", callbackGas: 0, input: "0x0102030405060708", inputHash: `0x${"00".repeat(32)}`, inputURI: "" } as const;
  // Mined like an L2: many transactions a block (PER_BLOCK batches of 100 tasks), not one each.
  const inBlocks = async (sends: (() => Promise<Hex>)[]) => {
    await conn.provider.request({ method: "evm_setAutomine", params: [false] });
    const hashes: Hex[] = [];
    for (let i = 0; i < sends.length; i += PER_BLOCK) {
      for (const send of sends.slice(i, i + PER_BLOCK)) hashes.push(await send());
      await conn.provider.request({ method: "evm_mine", params: [] });
    }
    await conn.provider.request({ method: "evm_setAutomine", params: [true] });
    for (const hash of hashes) await f.track(hash);
  };
  await inBlocks(
    Array.from({ length: Math.ceil(TASKS / BATCH) }, (_, b) => () => {
      const n = Math.min(BATCH, TASKS - b * BATCH);
      const account = requesters[Math.floor((b * BATCH) / 1_000)]!.account;
      return f.market.write.postBatch([Array.from({ length: n }, () => post)], { account, gas: 15_000_000n });
    }),
  );
  await f.networkHelpers.time.increase(31); // past the assign window: any eligible keeper may claim
  const ids = [...f.book.keys()];
  const chunks = Array.from({ length: Math.ceil(ids.length / BATCH) }, (_, i) => ids.slice(i * BATCH, (i + 1) * BATCH));
  const by = (i: number) => ({ account: keepers[i % keepers.length]!.account, gas: 15_000_000n });
  await inBlocks(chunks.map((chunk, i) => () => f.market.write.claimBatch([chunk, chunk.map((id) => f.book.get(id)!)], by(i))));
  await inBlocks(chunks.map((chunk, i) => () => f.market.write.submitBatch([chunk, chunk.map((id) => f.book.get(id)!), chunk.map(() => OUTPUT)], by(i))));
  await f.networkHelpers.time.increase(3_700);
  await inBlocks(chunks.map((chunk) => () => f.market.write.finalize([chunk, chunk.map((id) => f.book.get(id)!), []], { gas: 15_000_000n })));
  await f.flush(keepers.map((w) => w.account.address));
  // a cold start comes later than the last task: the tasks lie deeper than the 30 blocks of a local
  // chain's finality, which an indexer follows block by block
  for (let i = 0; i < 30; i++) await conn.provider.request({ method: "evm_mine", params: [] });
  const head = await f.publicClient.getBlockNumber();
  const events = (await f.publicClient.getLogs({ address: Object.values(s.book.contracts), fromBlock: BigInt(s.book.deployBlock), toBlock: head })).length;
  const rpc = await serveRpc(conn);
  const rows: BenchRow[] = [];
  const t0 = performance.now();
  const pg = process.env.BENCH_INDEXER_DB === "postgres" ? await startPostgres() : undefined;
  const indexer = await startIndexer({ rpcUrl: rpc.url, book: s.book, databaseUrl: pg?.url });
  try {
    await waitForBlock(indexer, head, 1_200_000);
    if (process.env.PARADIGM_INDEXER_LOG) console.error(indexer.log());
    rows.push({ name: "indexer.backfill.eventsPerSec", value: Math.round(events / ((performance.now() - t0) / 1000)), unit: "events/s" });

    const busiest = (await graphql<{ epochStats: { items: { id: string }[] } }>(indexer, `{ epochStats(orderBy: "fees", orderDirection: "desc", limit: 1) { items { id } } }`)).epochStats.items[0]!.id;
    const leaderboard = `query($epoch: BigInt!) { keeperEpochs(where: { epoch: $epoch }, orderBy: "tasks", orderDirection: "desc", limit: 20) { items { keeper tasks inputs computeUnits fees credit lapsed disputesWon disputesLost } } }`;
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await graphql(indexer, leaderboard, { epoch: busiest });
      times.push(performance.now() - t);
    }
    rows.push({ name: "indexer.leaderboard.p50", value: Math.round(percentile(times, 50) * 10) / 10, unit: "ms" });

    // the devnet's load: a block a second, each with a task
    await conn.provider.request({ method: "evm_setAutomine", params: [false] });
    await conn.provider.request({ method: "evm_setIntervalMining", params: [1_000] });
    const lags: number[] = [];
    for (let i = 0; i < 60; i++) {
      const before = await f.publicClient.getBlockNumber();
      const hash = await f.market.write.post([{ ...post, deadline: deadline + i }], { account: requesters.at(-1)!.account });
      while ((await f.publicClient.getBlockNumber()) <= before) await sleep(10);
      const seenAt = performance.now();
      const receipt = await f.publicClient.getTransactionReceipt({ hash });
      const id = BigInt(receipt.logs.find((l) => l.address.toLowerCase() === f.market.address.toLowerCase())!.topics[1]!);
      for (;;) {
        const { task } = await graphql<{ task: { id: string } | null }>(indexer, `{ task(id: "${id}") { id } }`);
        if (task) break;
        await sleep(10);
      }
      lags.push(performance.now() - seenAt);
    }
    rows.push({ name: "indexer.lag.p50", value: Math.round(percentile(lags, 50)), unit: "ms" });
    rows.push({ name: "indexer.lag.p99", value: Math.round(percentile(lags, 99)), unit: "ms" });
  } finally {
    await indexer.stop();
    await pg?.stop();
    rpc.server.close();
    await conn.close();
  }
  return rows;
};

export default suite;
