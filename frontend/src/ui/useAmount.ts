/**
 * An amount field: exact PAR base units with `parsePar` (a ninth decimal is refused, never
 * rounded), checked as the user types so a bad amount never reaches the wallet.
 */
import { useState } from "react";
import { parsePar } from "@paradigm/keepers/amounts";

export function useAmount(initial = "", what = "amount") {
  const [text, setText] = useState(initial);
  let units: bigint | undefined;
  let error: string | undefined;
  if (text.trim() !== "") {
    try {
      units = parsePar(text, what);
      if (units === 0n) error = `${what}: enter more than 0`;
    } catch (e) {
      error = (e as Error).message;
    }
  }
  return { text, setText, units: error ? undefined : units, error };
}
