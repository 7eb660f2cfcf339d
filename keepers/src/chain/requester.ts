/**
 * Requester side of the SDK: post tasks (paid from a prepaid deposit, else by EIP-2612 permit or
 * approve), wait for the verified result, check it against the on-chain commitment, and reclaim
 * expired tasks.
 */
import { hexToBytes, keccak256, parseEventLogs, toHex, zeroAddress, zeroHash, type Address, type Hex } from "viem";
import { taskMarketAbi } from "../abi.js";
import { decodeCanonical, type DecodedOutput } from "../canonical.js";
import { fetchCommitted } from "../cache.js";
import { decodeLot, encodeLot, lotBytes } from "../lot.js";
import { decodeBundle, encodeBundle, toTensors, type Tensor, type TensorLike } from "../tensors.js";
import type { ParadigmClients } from "./client.js";
import { getModel, type ModelRecord } from "./models.js";
import { signTokenPermit } from "./permit.js";
import { createTaskBook, finalOutput, finalUri, type TaskState } from "./taskbook.js";

export type PostOptions = {
  /** Fee in PAR base units; default: the market's quote (minFeePerCU × CU; 0 at genesis). */
  fee?: bigint;
  /** Seconds from now until the deadline (default 600). */
  ttl?: number;
  callback?: Address;
  callbackGas?: number;
  /**
   * When the deposit does not cover the fee: pay with an EIP-2612 permit in the same transaction
   * instead of a separate approve (default true).
   */
  permit?: boolean;
  /**
   * Publish the input at this URI (file:, http(s):, data: or npm:) instead of inline: the post
   * carries only keccak256 of the input and the URI, and keepers fetch and check it (the model's
   * maxInputBytes still applies). It saves the calldata and log gas of a large input; keep the
   * input reachable there until the task closes, or keepers decline it and it expires.
   */
  inputURI?: string;
};

export type Input = Uint8Array | Hex | readonly TensorLike[] | Record<string, TensorLike>;


function wallet(c: ParadigmClients) {
  if (!c.walletClient) throw new Error("this action sends a transaction: give the SDK a key (privateKey / --keystore)");
  return c.walletClient;
}

/**
 * Encodes an input for model `m` and checks it against `maxInputBytes`; raw bundle bytes are
 * validated against its signature.
 */
function bundleFor(m: ModelRecord, input: Input): Uint8Array {
  if (typeof input === "string") return bundleFor(m, hexToBytes(input));
  if (input instanceof Uint8Array) {
    decodeBundle(m.inputs, input, m.maxInputBytes);
    return input;
  }
  const bytes = encodeBundle(m.inputs, toTensors(m.inputs, input as Tensor[]));
  if (bytes.length > m.maxInputBytes) throw new Error(`input: ${bytes.length} bytes exceeds model ${m.id}'s maxInputBytes ${m.maxInputBytes}`);
  return bytes;
}

/** `bundleFor` of each input; an error names the input's index. */
function bundlesFor(m: ModelRecord, inputs: Input[]): Uint8Array[] {
  return inputs.map((input, i) => {
    try {
      return bundleFor(m, input);
    } catch (e) {
      throw new Error(`input ${i}: ${(e as Error).message}`);
    }
  });
}

function permitFor(c: ParadigmClients, value: bigint, deadline: bigint) {
  const w = wallet(c);
  return signTokenPermit(c.publicClient, w, c.book.contracts.ParadigmToken, { owner: w.account.address, spender: c.book.contracts.TaskMarket, value, deadline });
}

/** Posts one task; returns its id. The input is validated against the model's signature first. */
export async function postTask(c: ParadigmClients, modelId: number, input: Input, opts: PostOptions = {}): Promise<bigint> {
  const model = await approved(c, modelId);
  return postOne(c, modelId, 1, bundleFor(model, input), opts.fee ?? (await c.contracts.market.read.quote([modelId]))[0], opts);
}

/**
 * Posts a lot: one task carrying all `inputs` of one model (2 to MAX_ITEMS). It costs far less gas
 * per input than separate tasks, and is claimed, run, challenged and paid as one task. The default
 * fee is the market's quote × the number of inputs. `waitForResult` gives each input's output.
 */
export async function postLot(c: ParadigmClients, modelId: number, inputs: Input[], opts: PostOptions = {}): Promise<bigint> {
  const model = await approved(c, modelId);
  const parts = bundlesFor(model, inputs);
  const fee = opts.fee ?? (await c.contracts.market.read.quote([modelId]))[0] * BigInt(parts.length);
  return postOne(c, modelId, parts.length, encodeLot(parts), fee, opts);
}

async function approved(c: ParadigmClients, modelId: number): Promise<ModelRecord> {
  const model = await getModel(c, modelId);
  if (model.status !== "Approved") throw new Error(`model ${modelId} is ${model.status}, not Approved; it takes no tasks`);
  return model;
}

/** Sends one post (from the deposit, else with a permit or after an approve); returns the task id. */
async function postOne(c: ParadigmClients, modelId: number, items: number, input: Uint8Array, fee: bigint, opts: PostOptions): Promise<bigint> {
  const w = wallet(c);
  const now = Number((await c.publicClient.getBlock()).timestamp);
  const p = {
    modelId,
    items,
    fee,
    deadline: now + (opts.ttl ?? 600),
    callback: opts.callback ?? zeroAddress,
    callbackGas: opts.callbackGas ?? 0,
    ...(opts.inputURI ? { input: "0x" as Hex, inputHash: keccak256(input), inputURI: opts.inputURI } : { input: toHex(input), inputHash: zeroHash, inputURI: "" }),
  };
  const tx = { account: w.account, chain: w.chain };
  let hash: Hex;
  const allowance = (await fromDeposit(c, fee)) ? fee : await c.contracts.token.read.allowance([w.account.address, c.book.contracts.TaskMarket]);
  if (fee > 0n && allowance < fee && opts.permit !== false) {
    hash = await c.contracts.market.write.postWithPermit([p, await permitFor(c, fee, BigInt(now + 3600))], tx);
  } else {
    if (fee > 0n && allowance < fee) {
      await c.publicClient.waitForTransactionReceipt({ hash: await c.contracts.token.write.approve([c.book.contracts.TaskMarket, fee], tx) });
    }
    hash = await c.contracts.market.write.post([p], tx);
  }
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`post reverted (tx ${hash})`);
  const [ev] = parseEventLogs({ abi: taskMarketAbi, logs: receipt.logs, eventName: "TaskPosted" });
  return ev.args.id;
}

/** Whether the caller's deposit in the market covers `fee` (then `post` takes it from there). */
async function fromDeposit(c: ParadigmClients, fee: bigint) {
  return fee === 0n || (await c.contracts.market.read.depositOf([wallet(c).account.address])) >= fee;
}

/**
 * Posts many tasks of one model in one transaction (`postBatch`; the summed fee comes from the
 * deposit if it covers it, else after one approve); returns their ids.
 */
export async function postTasks(c: ParadigmClients, modelId: number, inputs: Input[], opts: PostOptions = {}): Promise<bigint[]> {
  if (opts.inputURI) throw new Error("postTasks sends every input inline; post a task whose input is at a URI with postTask or postLot");
  const w = wallet(c);
  const model = await approved(c, modelId);
  const fee = opts.fee ?? (await c.contracts.market.read.quote([modelId]))[0];
  const now = Number((await c.publicClient.getBlock()).timestamp);
  const ps = bundlesFor(model, inputs).map((bytes) => (
    { modelId, items: 1, fee, deadline: now + (opts.ttl ?? 600), callback: opts.callback ?? zeroAddress, callbackGas: opts.callbackGas ?? 0, input: toHex(bytes), inputHash: zeroHash, inputURI: "" }
  ));
  const tx = { account: w.account, chain: w.chain };
  const total = fee * BigInt(ps.length);
  if (!(await fromDeposit(c, total))) await mined(c, await c.contracts.token.write.approve([c.book.contracts.TaskMarket, total], tx), "approve");
  const receipt = await mined(c, await c.contracts.market.write.postBatch([ps], tx), "postBatch");
  return parseEventLogs({ abi: taskMarketAbi, logs: receipt.logs, eventName: "TaskPosted" }).map((e) => e.args.id);
}

/**
 * Prepays `amount` of PAR into `requester`'s deposit (default: the caller's own) with a permit in
 * the same transaction. Posts take their fees from the deposit: no approval per post, less gas.
 */
export async function deposit(c: ParadigmClients, amount: bigint, requester?: Address): Promise<Hex> {
  const w = wallet(c);
  const have = await c.contracts.token.read.balanceOf([w.account.address]);
  if (have < amount) throw new Error(`deposit: the wallet holds ${have} PAR base units, ${amount} asked; fund it first`);
  const now = Number((await c.publicClient.getBlock()).timestamp);
  const permit = await permitFor(c, amount, BigInt(now + 3600));
  const hash = await c.contracts.market.write.depositWithPermit([requester ?? w.account.address, amount, permit], { account: w.account, chain: w.chain });
  await mined(c, hash, "depositWithPermit");
  return hash;
}

/** Takes `amount` of the caller's unused deposit back to its wallet. */
export async function withdrawDeposit(c: ParadigmClients, amount: bigint): Promise<Hex> {
  const w = wallet(c);
  const have = await c.contracts.market.read.depositOf([w.account.address]);
  if (have < amount) throw new Error(`withdraw: the deposit holds ${have} PAR base units, ${amount} asked`);
  const hash = await c.contracts.market.write.withdrawDeposit([amount], { account: w.account, chain: w.chain });
  await mined(c, hash, "withdrawDeposit");
  return hash;
}

export class TaskFailedError extends Error {
  constructor(readonly id: bigint, readonly phase: string) {
    super(`task ${id} ended ${phase} without a result; the fee was refunded`);
  }
}

/**
 * A verified result. `output` is the committed bytes; `outputs` the decoded outputs of a plain
 * task; for a lot, `items` holds each input's decoded outputs, in posting order, and `outputs` is empty.
 */
export type VerifiedResult = { id: bigint; resultHash: Hex; output: Uint8Array; keeper: Address; outputs: DecodedOutput[]; items?: DecodedOutput[][] };

/**
 * Seconds after a task's challenge window closes during which only its keeper, whom the
 * finalize pays, is expected to finalize it. Anyone else (another keeper, the requester) waits
 * this long first, so two finalizes of one task rarely race and revert one of them.
 */
export const FINALIZE_GRACE = 5;

/**
 * Waits until task `id` finalizes and returns its output, verified: keccak256(output) must equal
 * the result hash that stood on chain. With `finalize` (default true) it finalizes the task itself
 * once the challenge window and {@link FINALIZE_GRACE} have passed, and expires it once its
 * deadline has passed.
 */
export async function waitForResult(
  c: ParadigmClients,
  id: bigint,
  opts: { timeoutMs?: number; pollMs?: number; finalize?: boolean; fromBlock?: bigint } = {},
): Promise<VerifiedResult> {
  const book = createTaskBook(c, { fromBlock: opts.fromBlock });
  const until = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  const window = Number(await c.contracts.market.read.challengeWindow());
  for (;;) {
    await book.sync();
    const t = book.tasks.get(id);
    if (t?.phase === "Finalized") return verify(c, t);
    if (t && (t.phase === "Expired" || t.phase === "Refunded")) throw new TaskFailedError(id, t.phase);
    if (t && opts.finalize !== false && c.walletClient) {
      const now = Number((await c.publicClient.getBlock({ blockTag: "latest" })).timestamp);
      try {
        if (t.phase === "Submitted" && now > t.task.since + window + FINALIZE_GRACE) await finalizeTasks(c, [t]);
        else if ((t.phase === "Open" || t.phase === "Claimed") && now > t.task.deadline) await expireTasks(c, [t]);
      } catch {
        // someone else got there first, or the window closes a block later: poll again
      }
    }
    if (Date.now() > until) throw new Error(`task ${id}: no final result after ${opts.timeoutMs ?? 900_000} ms (phase ${t?.phase ?? "not seen"})`);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
  }
}

/**
 * A posted result's bytes: inline (the market checked its hash), or fetched from its URI and
 * checked against `resultHash` (a result submitted with `submitHash`).
 */
export async function resultBytes(r: { output?: Hex; uri?: string; resultHash: Hex }, maxBytes: number): Promise<Uint8Array> {
  if (r.output && r.output !== "0x") return hexToBytes(r.output);
  if (!r.uri) throw new Error("the result has neither an inline output nor a URI");
  return fetchCommitted("output", r.uri, r.resultHash, maxBytes);
}

async function verify(c: ParadigmClients, t: TaskState): Promise<VerifiedResult> {
  const model = await getModel(c, t.task.modelId);
  const output = await resultBytes({ output: finalOutput(t), uri: finalUri(t), resultHash: t.final!.resultHash }, lotBytes(model.maxOutputBytes, t.items))
    .catch((e: Error) => { throw new Error(`task ${t.id}: cannot verify the final result: ${e.message}`); });
  const h = keccak256(output);
  if (h !== t.final!.resultHash) throw new Error(`task ${t.id}: output hashes to ${h}, the chain committed ${t.final!.resultHash}`);
  const decode = (bytes: Uint8Array) => decodeCanonical(model.outputs, bytes, model.outputDecimals);
  const result = { id: t.id, resultHash: h, output, keeper: t.final!.keeper };
  return t.items === 1 ? { ...result, outputs: decode(output) } : { ...result, outputs: [], items: decodeLot(output, t.items).map(decode) };
}

/**
 * Finalizes submitted tasks whose window passed (anyone may). Outputs go along for tasks with
 * callbacks and policy tasks; one given by URI is fetched and checked against its hash first.
 */
export async function finalizeTasks(c: ParadigmClients, ts: TaskState[]): Promise<Hex> {
  const w = wallet(c);
  const policyId = Number(await c.contracts.market.read.policyModelId());
  const outputs = await Promise.all(ts.map(async (t): Promise<Hex> => {
    if (t.task.callback === zeroAddress && t.task.modelId !== policyId) return "0x";
    if (t.output && t.output !== "0x") return t.output;
    const model = await getModel(c, t.task.modelId);
    return toHex(await resultBytes({ uri: t.outputUri, resultHash: t.task.resultHash }, lotBytes(model.maxOutputBytes, t.items)));
  }));
  const needed = outputs.some((o) => o !== "0x");
  const hash = await c.contracts.market.write.finalize([ts.map((t) => t.id), ts.map((t) => t.task), needed ? outputs : []], { account: w.account, chain: w.chain });
  await mined(c, hash, "finalize");
  return hash;
}

/** Refunds tasks whose deadline passed without a result ("reclaim"). */
export async function expireTasks(c: ParadigmClients, ts: TaskState[]): Promise<Hex> {
  const w = wallet(c);
  const hash = await c.contracts.market.write.expire([ts.map((t) => t.id), ts.map((t) => t.task)], { account: w.account, chain: w.chain });
  await mined(c, hash, "expire");
  return hash;
}

export async function mined(c: ParadigmClients, hash: Hex, what: string) {
  const r = await c.publicClient.waitForTransactionReceipt({ hash });
  if (r.status !== "success") throw new Error(`${what} reverted (tx ${hash})`);
  return r;
}
