/** PAR amounts: 8 decimals, parsed and formatted exactly (no floating point anywhere). */
export const PAR_DECIMALS = 8;
export const ONE_PAR = 10n ** 8n;

/**
 * Parses a decimal PAR amount ("1.5", "0.00000001", "12") into base units.
 * A ninth decimal is an error, never rounded; negative, empty or non-numeric input is an error.
 * `what` names the input in the error message (e.g. "--fee").
 */
export function parsePar(text: string, what = "amount"): bigint {
  const s = text.trim();
  const m = /^(\d+)(?:\.(\d*))?$/.exec(s) ?? /^()\.(\d+)$/.exec(s);
  if (!m) {
    throw new Error(`${what}: "${text}" is not a PAR amount; write a non-negative decimal such as 1.5 or 0.00000001`);
  }
  const whole = m[1] === "" ? "0" : m[1];
  const frac = m[2] ?? "";
  if (frac.length > PAR_DECIMALS) {
    throw new Error(`${what}: "${text}" has ${frac.length} decimals; PAR has at most ${PAR_DECIMALS} (smallest unit 0.00000001)`);
  }
  return BigInt(whole) * ONE_PAR + BigInt(frac.padEnd(PAR_DECIMALS, "0") || "0");
}

/** Formats base units as a decimal PAR string without trailing zeros ("1.5", "0.00000001", "3"). */
export function formatPar(units: bigint): string {
  const neg = units < 0n;
  const abs = neg ? -units : units;
  const whole = abs / ONE_PAR;
  const frac = (abs % ONE_PAR).toString().padStart(PAR_DECIMALS, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${whole}${frac ? "." + frac : ""}`;
}
