/**
 * An autonomous agent buying inference (docs/sdk.md). It labels sensor readings with the genesis
 * MLP classifier; every label it acts on was verified against the on-chain commitment.
 */
import type { Paradigm } from "@paradigm/keepers";
import { parsePar } from "@paradigm/keepers";

export async function classifyReadings(paradigm: Paradigm, modelId: number, readings: number[][]) {
  const result = await paradigm.infer(
    modelId,
    { x: { dims: [readings.length, 4], data: readings.flat() } },
    { fee: parsePar("0.01"), ttl: 300 },
  );
  const labels = result.outputs.find((o) => o.name === "label")!.values.map(Number);
  return { taskId: result.id, labels, resultHash: result.resultHash };
}
