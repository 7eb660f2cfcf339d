/** Models from the ModelRegistry, as the market page and the models page show them. */
import { modelRegistryAbi } from "@paradigm/keepers/abi";
import type { TensorSpec, DTypeCode } from "@paradigm/keepers/tensors";
import type { Address, Hex, PublicClient } from "viem";

export const MODEL_STATUS = ["None", "Proposed", "Approved", "Retired"] as const;
export const DTYPE_NAME: Record<number, string> = { 1: "float32", 2: "int64", 3: "int32", 4: "uint8" };

export type ModelInfo = {
  id: number; status: (typeof MODEL_STATUS)[number]; uri: string; modelHash: Hex; computeUnits: number;
  maxInputBytes: number; maxOutputBytes: number; outputDecimals: number; tolerance: number;
  inputs: TensorSpec[]; outputs: TensorSpec[];
};

const spec = (s: { name: string; dtype: number; shape: readonly bigint[] }): TensorSpec => ({ name: s.name, dtype: s.dtype as DTypeCode, shape: s.shape.map(Number) });

export async function readModel(client: PublicClient, registry: Address, id: number): Promise<ModelInfo> {
  const m = await client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "modelOf", args: [id] });
  const s = m.spec;
  return {
    id, status: MODEL_STATUS[m.status], uri: s.uri, modelHash: s.modelHash, computeUnits: s.computeUnits, maxInputBytes: s.maxInputBytes,
    maxOutputBytes: s.maxOutputBytes, outputDecimals: s.outputDecimals, tolerance: s.tolerance, inputs: s.inputs.map(spec), outputs: s.outputs.map(spec),
  };
}

export async function readModels(client: PublicClient, registry: Address): Promise<ModelInfo[]> {
  const n = Number(await client.readContract({ address: registry, abi: modelRegistryAbi, functionName: "modelCount" }));
  return Promise.all(Array.from({ length: n }, (_, i) => readModel(client, registry, i + 1)));
}

/** "x: float32 [?, 4]" */
export const describeSpec = (s: TensorSpec) => `${s.name}: ${DTYPE_NAME[s.dtype] ?? s.dtype} [${s.shape.map((d) => (d < 0 ? "?" : d)).join(", ")}]`;
