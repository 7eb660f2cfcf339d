/**
 * The devnet's saved chain, so that a second run can carry on (`--resume`) where the first stopped.
 *
 * Hardhat 3's node (EDR) cannot save its state: it has no method to dump or load it (no
 * hardhat_dumpState, anvil_dumpState or anvil_loadState; `dumpState` is only a cheatcode of
 * Solidity tests), and its genesis takes balances, nonces and code but not storage. So the devnet
 * saves what made the state instead, in <dir>/chain.jsonl: the genesis (its date and hash), then
 * one line per block with its timestamp, hash and signed transactions, appended as blocks are
 * mined. A resumed node starts from the same genesis date and mines every saved block again, with
 * the same transactions in the same order (the devnet's mempool is FIFO) and the same timestamp.
 * Blocks are deterministic, so the rebuilt chain has the saved hashes (checked), and with them the
 * same block-hash seeds, events and task history; keepers rebuild their state from it as after
 * any restart.
 *
 * A replay cannot bring back a change made outside a transaction (hardhat_setBalance,
 * hardhat_setStorageAt, evm_revert…): the hash check then fails and says to start with --fresh.
 * The devnet makes none; `par faucet` sends ETH in a transaction for this reason. Blocks mined in
 * the last second before the devnet was killed (not stopped) may be missing: the chain resumes
 * from the last saved block, and the transactions after it are lost.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { keccak256, serializeTransaction, type Hex, type PublicClient, type Transaction, type TransactionSerializable } from "viem";

export type SavedBlock = { number: number; timestamp: number; hash: Hex; txs: Hex[] };
export type SavedChain = { genesis: { date: string; hash: Hex }; blocks: SavedBlock[] };

const call = (client: PublicClient, method: string, params: unknown[] = []) => client.request({ method, params } as never) as Promise<unknown>;

/** The chain saved in `file`, or undefined if there is none. A last line cut short by a crash is left out. */
export function readSavedChain(file: string): SavedChain | undefined {
  if (!existsSync(file)) return undefined;
  const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
  const parsed = lines.flatMap((line, i) => {
    try {
      return [JSON.parse(line)];
    } catch (e) {
      if (i === lines.length - 1) return [];
      throw new Error(`${file}: line ${i + 1} is not JSON (${(e as Error).message})`);
    }
  });
  if (!parsed[0]?.genesis) return undefined;
  return { genesis: parsed[0].genesis, blocks: parsed.slice(1) };
}

/** Starts `file` with the genesis of the chain `client` serves. */
export async function saveGenesis(client: PublicClient, file: string) {
  const block = await client.getBlock({ blockNumber: 0n });
  const genesis = { date: new Date(Number(block.timestamp) * 1000).toISOString(), hash: block.hash };
  writeFileSync(file, JSON.stringify({ genesis }) + "\n");
}

/** A mined transaction as the signed bytes that were sent; checked against its hash. */
function rawTransaction(tx: Transaction): Hex {
  const { r, s, v, yParity } = tx;
  // A mined transaction's calldata is `input`; the serializer reads `data`.
  const raw = serializeTransaction({ ...tx, data: tx.input } as TransactionSerializable, { r, s, v, yParity } as never);
  if (keccak256(raw) !== tx.hash) throw new Error(`cannot save transaction ${tx.hash} (type ${tx.type}): its encoding does not hash back to it`);
  return raw;
}

/**
 * Appends every block from `from` on to `file`, once a second. `flush` saves the blocks mined
 * since the last pass and stops; call it before the chain stops.
 */
export function recordChain(client: PublicClient, file: string, from: bigint, log: (msg: string) => void) {
  let next = from;
  let lastError = "";
  const save = async () => {
    const latest = await client.getBlockNumber();
    for (; next <= latest; next++) {
      const b = await client.getBlock({ blockNumber: next, includeTransactions: true });
      const saved: SavedBlock = { number: Number(b.number), timestamp: Number(b.timestamp), hash: b.hash, txs: b.transactions.map(rawTransaction) };
      appendFileSync(file, JSON.stringify(saved) + "\n");
    }
  };
  let pass: Promise<void> = Promise.resolve();
  const tick = () =>
    (pass = pass.then(save).catch((e) => {
      const msg = (e as Error).message.split("\n")[0];
      if (msg !== lastError) log(`saving blocks to ${file}: ${msg}`);
      lastError = msg;
    }));
  const timer = setInterval(tick, 1_000);
  return {
    flush: () => {
      clearInterval(timer);
      return tick();
    },
  };
}

/**
 * Mines the saved blocks again on a node started from the saved genesis date with no block
 * interval. Throws, naming the first block that differs, if the rebuilt chain is not the saved one.
 */
export async function replayChain(client: PublicClient, saved: SavedChain, file: string) {
  const genesis = await client.getBlock({ blockNumber: 0n });
  if (genesis.hash !== saved.genesis.hash) {
    throw new Error(`${file} was saved from another genesis (${saved.genesis.hash}, this node's is ${genesis.hash}); the devnet network in hardhat.config.ts changed? Start clean with --fresh`);
  }
  for (const block of saved.blocks) {
    for (const raw of block.txs) await call(client, "eth_sendRawTransaction", [raw]);
    await call(client, "evm_mine", [block.timestamp]);
  }
  const last = saved.blocks.at(-1);
  if (!last || (await client.getBlock({ blockNumber: BigInt(last.number) })).hash === last.hash) return;
  for (const block of saved.blocks) {
    const got = await client.getBlock({ blockNumber: BigInt(block.number) });
    if (got.hash !== block.hash) {
      throw new Error(`replaying ${file}: block ${block.number} came out as ${got.hash}, saved as ${block.hash} (state changed outside transactions, e.g. hardhat_setBalance?); start clean with --fresh`);
    }
  }
}
