/**
 * Reverts as sentences. `explain(error)` turns whatever a Paradigm call threw into one sentence:
 * a custom error of any Paradigm contract (or an OpenZeppelin error one inherits, such as a PAR
 * transfer failing inside a post) says what was wrong and what to do, with its values (PAR
 * amounts, dates, names); any other error keeps its own short message.
 *
 *   try { await paradigm.postTask(1, input) } catch (e) { console.error(explain(e)) }
 *   // "0xAbC… holds 0 PAR but this needs 0.01 PAR; send that wallet at least 0.01 PAR more first …"
 *
 * Adding an error: add its sentence to the table of its contract (`token.ts`, `registry.ts`,
 * `market.ts`, `court.ts`, `governance.ts`, `attestor.ts`; `common.ts` for ones every contract shares). test/sdk-errors.test.ts
 * fails while an error of a generated ABI has no sentence.
 */
import { decodeErrorResult, type Abi, type Hex } from "viem";
import * as abis from "../../abi.js";
import { isNoGas, NoGasError } from "../no-gas.js";
import { attestorSentences } from "./attestor.js";
import { commonSentences } from "./common.js";
import { courtSentences, poolSentences } from "./court.js";
import { governanceSentences } from "./governance.js";
import type { Args, Ctx, Table } from "./format.js";
import { marketSentences } from "./market.js";
import { keeperRegistrySentences, modelRegistrySentences } from "./registry.js";
import { tokenSentences } from "./token.js";

export type { Args, Ctx, Sentence, Table } from "./format.js";

/** A custom error's ABI item. */
export type AbiError = Extract<Abi[number], { type: "error" }>;

function merge(...tables: Table[]): Table {
  const out: Table = {};
  for (const t of tables) {
    for (const [name, sentence] of Object.entries(t)) {
      if (name in out) throw new Error(`error sentences: ${name} is defined twice`);
      out[name] = sentence;
    }
  }
  return out;
}

/** The sentence of every custom error of the Paradigm contracts, by error name. */
export const ERROR_SENTENCES: Table = merge(
  commonSentences, tokenSentences, modelRegistrySentences, keeperRegistrySentences, marketSentences, courtSentences, poolSentences,
  governanceSentences, attestorSentences,
);

const signature = (e: AbiError) => `${e.name}(${e.inputs.map((i) => i.type).join(",")})`;

/**
 * Every custom error a Paradigm call can revert with: the errors of all generated ABIs,
 * deduplicated by signature. The implementations' inherited OpenZeppelin errors are among them,
 * and decoding against all of them at once also names an error that a nested call (the token,
 * inside a post or a stake) raised.
 */
export const paradigmErrorsAbi: readonly AbiError[] = [
  ...new Map(
    Object.values(abis)
      .flatMap((abi) => (abi as readonly { type: string }[]).filter((i): i is AbiError => i.type === "error"))
      .map((e) => [signature(e), e]),
  ).values(),
];

/** A decoded revert: the error's name and its arguments by ABI name. */
export type DecodedRevert = { name: string; args: Args };

/** Decodes revert data against every Paradigm error (and Error(string), Panic(uint256)); undefined when unknown. */
export function decodeRevert(data: Hex): DecodedRevert | undefined {
  try {
    const { errorName, args = [], abiItem } = decodeErrorResult({ abi: paradigmErrorsAbi, data });
    const inputs = (abiItem as AbiError | undefined)?.inputs ?? [];
    return { name: errorName, args: Object.fromEntries(inputs.map((input, i) => [input.name || String(i), args[i]])) };
  } catch {
    return undefined;
  }
}

const PANICS: Record<number, string> = {
  0x01: "an assertion failed",
  0x11: "an arithmetic overflow or underflow",
  0x12: "a division by zero",
  0x21: "an invalid enum value",
  0x22: "bad storage data",
  0x31: "a pop from an empty array",
  0x32: "an array index out of bounds",
  0x41: "too much memory",
  0x51: "a call to an invalid function",
};

export type ExplainOptions = {
  /** Unix seconds that "in N minutes" counts from (default: the clock; pass the chain's time on a devnet that jumps ahead). */
  now?: number;
  /** The function that reverted, named when the revert carries no sentence. */
  fn?: string;
};

/** The sentence for revert data `data` (an error's selector and arguments). */
export function explainRevert(data: Hex, opts: ExplainOptions = {}): string {
  const what = opts.fn ?? "the call";
  if (!data || data === "0x") return `${what} reverted without a reason`;
  const decoded = decodeRevert(data);
  if (!decoded) return `${what} reverted with the unknown error ${data.slice(0, 10)}, which no Paradigm contract raises; check that the address book belongs to this chain`;
  const { name, args } = decoded;
  if (name === "Error") return `${what} reverted: ${Object.values(args)[0]}`;
  if (name === "Panic") {
    const code = Number(Object.values(args)[0]);
    return `${what} failed with ${PANICS[code] ?? `panic code ${code}`} (a contract bug); report it`;
  }
  const sentence = ERROR_SENTENCES[name];
  const ctx: Ctx = { now: opts.now ?? Math.floor(Date.now() / 1000) };
  if (sentence) return sentence(args, ctx);
  return `${what} reverted with ${name}(${Object.entries(args).map(([k, v]) => `${k}: ${v}`).join(", ")})`;
}

type Found = { name?: string; shortMessage?: string; message?: string; cause?: unknown; data?: unknown; raw?: Hex; reason?: string; functionName?: string };

/** The errors of a chain of causes, outermost first. */
function chain(error: unknown): Found[] {
  const out: Found[] = [];
  for (let e = error; e && typeof e === "object" && out.length < 20; e = (e as Found).cause) out.push(e as Found);
  return out;
}

const isHex = (v: unknown): v is Hex => typeof v === "string" && /^0x([0-9a-fA-F]{2})*$/.test(v);

/** The revert data in an error chain: viem's decoded revert first, then any RPC error's data. */
function revertData(errors: Found[]): Hex | undefined {
  const reverted = errors.find((e) => e.name === "ContractFunctionRevertedError");
  if (reverted && isHex(reverted.raw)) return reverted.raw;
  for (const e of errors) {
    if (!("code" in e) && !/revert/i.test(e.message ?? "")) continue; // only RPC errors carry revert data
    if (isHex(e.data) && e.data.length >= 10) return e.data;
    const inner = (e.data as { data?: unknown } | undefined)?.data;
    if (isHex(inner) && inner.length >= 10) return inner;
  }
  return reverted ? "0x" : undefined;
}

/**
 * One sentence for anything a Paradigm call threw: a revert of a Paradigm contract becomes what
 * was wrong and what to do, with its values; other errors keep their (short) message.
 */
export function explain(error: unknown, opts: ExplainOptions = {}): string {
  const errors = chain(error);
  const fn = opts.fn ?? errors.find((e) => typeof e.functionName === "string")?.functionName;
  const data = revertData(errors);
  if (data) {
    const reason = errors.find((e) => e.name === "ContractFunctionRevertedError")?.reason;
    if (data === "0x" && reason && reason !== "execution reverted") return `${fn ?? "the call"} reverted: ${reason}`;
    return explainRevert(data, { ...opts, fn });
  }
  if (errors.some((e) => e.name === "ContractFunctionZeroDataError")) {
    return `${fn ?? "the call"} returned no data: there is no such contract at that address; check that the address book (--addresses) belongs to this chain`;
  }
  // A write through the SDK already names the account (NoGasError); any other path gets the same advice.
  if (!(error instanceof NoGasError) && isNoGas(error)) {
    return "the account has too little ETH to pay for gas: on the devnet run `par faucet <address>`; elsewhere fund it";
  }
  const top = errors[0];
  if (!top) return String(error);
  return top.shortMessage ?? top.message ?? String(error);
}
