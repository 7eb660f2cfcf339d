/** Display helpers: PAR amounts (exact, 8 decimals), addresses, times. */
import { formatPar } from "@paradigm/keepers/amounts";

export const par = (units: bigint | string | null | undefined) => (units == null ? "–" : `${formatPar(BigInt(units))} PAR`);
export const short = (a?: string | null) => (a ? `${a.slice(0, 6)}…${a.slice(-4)}` : "–");
export const when = (unix?: number | bigint | null) => (unix ? new Date(Number(unix) * 1000).toLocaleString() : "–");
export const bps = (v?: number | bigint | null) => (v == null ? "–" : `${(Number(v) / 100).toFixed(2)} %`);

/** "in 3 min" / "2 min ago" relative to `now` (unix seconds). */
export function relative(unix: number, now: number): string {
  const d = unix - now;
  const abs = Math.abs(d);
  const text = abs < 90 ? `${abs} s` : abs < 5400 ? `${Math.round(abs / 60)} min` : abs < 172800 ? `${Math.round(abs / 3600)} h` : `${Math.round(abs / 86400)} days`;
  return d >= 0 ? `in ${text}` : `${text} ago`;
}

export const duration = (seconds: number | bigint) => relative(Number(seconds), 0).replace(/^in /, "");
