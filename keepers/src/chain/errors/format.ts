/** How error sentences show values: PAR amounts, dates, durations, bytes32 names, roles, states. */
import { hexToString, keccak256, toHex, type Hex } from "viem";
import { formatPar } from "../../amounts.js";

/** A custom error's arguments by their ABI names (`readyAt`, `needed`, ...). */
export type Args = Record<string, any>;
/** `now`: unix seconds that relative times ("in 3 minutes") count from. */
export type Ctx = { now: number };
/** Turns one custom error's arguments into a sentence: what was wrong and what to do. */
export type Sentence = (a: Args, ctx: Ctx) => string;
/** Sentences by error name. Two errors of one name (DuplicateModel) share an entry that tells them apart by their arguments. */
export type Table = Record<string, Sentence>;

/** `amount` base units as PAR: "12.5 PAR". */
export const par = (amount: bigint) => `${formatPar(BigInt(amount))} PAR`;

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/** Seconds from `now` to `at` in words: "in 3 minutes", "2 hours ago", "now". */
export function relative(at: bigint | number, now: number): string {
  const d = Number(at) - now;
  const s = Math.abs(d);
  const words =
    s < 90 ? plural(s, "second") : s < 90 * 60 ? plural(Math.round(s / 60), "minute") : s < 36 * 3600 ? plural(Math.round(s / 3600), "hour") : plural(Math.round(s / 86400), "day");
  return d === 0 ? "now" : d > 0 ? `in ${words}` : `${words} ago`;
}

/** A unix time as a UTC date with how far it is: "2026-12-03 08:47:30 UTC (in 1 minute)". */
export function when(at: bigint | number, ctx: Ctx): string {
  const date = new Date(Number(at) * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
  return `${date} (${relative(at, ctx.now)})`;
}

/** A length of time in seconds, in the largest unit that divides it: "7 days", "90 seconds". */
export function duration(seconds: bigint | number): string {
  const s = Number(seconds);
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]] as const) if (s > 0 && s % size === 0) return plural(s / size, unit);
  return plural(s, "second");
}

/** Basis points as a percentage: "25% (2500 bps)". */
export const bps = (v: bigint | number) => `${Number(v) / 100}% (${v} bps)`;

/** A short bytes32 string (a parameter or field name) as text; other bytes32 values as hex. */
export function text(b: Hex): string {
  try {
    const s = hexToString(b, { size: 32 }).replace(/\0+$/, "");
    if (/^[\x20-\x7e]+$/.test(s)) return s;
  } catch {
    // not a string
  }
  return b;
}

const ROLES = ["MARKET_ROLE", "VESTER_ROLE", "ARBITER_ROLE", "POLICY_ROLE", "PROPOSER_ROLE", "EXECUTOR_ROLE", "CANCELLER_ROLE"];
const ROLE_NAMES: Record<string, string> = {
  [`0x${"00".repeat(32)}`]: "DEFAULT_ADMIN_ROLE (governance)",
  ...Object.fromEntries(ROLES.map((r) => [keccak256(toHex(r)), r])),
};
/** An AccessControl role by name (its hash when unknown). */
export const role = (r: Hex) => ROLE_NAMES[r.toLowerCase()] ?? r;

const ZERO = /^0x0{40}$/i;
/** An address, or "the zero address". */
export const addr = (a: string) => (ZERO.test(a) ? "the zero address" : a);

/** A parameter value in its unit, guessed from its name: PAR, duration, bps or a plain number. */
export function paramValue(name: string, v: bigint): string {
  if (/Bps$/.test(name)) return bps(v);
  if (/(Period|Window|Timeout|Delay|Vesting)$/.test(name)) return duration(v);
  if (/(Stake|Bond|Penalty|Budget)$/.test(name)) return par(v);
  if (/FeePerCU/.test(name)) return `${par(v)} per CU`;
  return String(v);
}

export const TASK_STATUS = ["closed or never posted", "open", "claimed", "submitted", "challenged"];
export const MODEL_STATUS = ["not registered", "proposed", "approved", "retired"];
export const DISPUTE_PHASE = ["not open", "drawing its jury", "voting", "escalated to the arbiter", "resolved"];
/** An enum value by name, or its number. */
export const named = (names: string[], v: bigint | number) => names[Number(v)] ?? `in state ${v}`;
/** "input" or "output" for the `isInput` flags of the model registry. */
export const side = (isInput: boolean) => (isInput ? "input" : "output");
