/** A result's canonical bytes as named outputs (a lot: per input), with the SDK's decoder. */
import { decodeCanonical, type DecodedOutput } from "@paradigm/keepers/canonical";
import { decodeLot } from "@paradigm/keepers/lot";
import { hexToBytes, type Hex } from "viem";
import type { ModelInfo } from "./models";

export function decodeOutput(m: ModelInfo, output: Hex, items: number): DecodedOutput[][] {
  const bytes = hexToBytes(output);
  const parts = items === 1 ? [bytes] : decodeLot(bytes, items);
  return parts.map((p) => decodeCanonical(m.outputs, p, m.outputDecimals));
}

export const showValues = (o: DecodedOutput) => (o.values as (number | bigint)[]).map((v) => (typeof v === "number" ? Number(v.toFixed(6)) : v.toString())).join(", ");
