/** ModelRegistry access: propose models, read their records, fetch and verify their files. */
import { parseEventLogs, type Hex } from "viem";
import { modelRegistryAbi } from "../abi.js";
import { fetchModel } from "../cache.js";
import type { ModelSignature } from "../inference.js";
import { sha256, type ModelDef } from "../models.js";
import type { DTypeCode, TensorSpec } from "../tensors.js";
import type { ParadigmClients } from "./client.js";

export const MODEL_STATUS = ["None", "Proposed", "Approved", "Retired"] as const;

export type ModelRecord = ModelSignature & {
  id: number;
  status: (typeof MODEL_STATUS)[number];
  proposer: Hex;
  modelHash: Hex;
  uri: string;
  computeUnits: number;
  tolerance: number;
  maxInputBytes: number;
  maxOutputBytes: number;
};

const toSpec = (s: TensorSpec) => ({ name: s.name, dtype: s.dtype, shape: s.shape.map(BigInt) });
const fromSpec = (s: { name: string; dtype: number; shape: readonly bigint[] }): TensorSpec => ({
  name: s.name,
  dtype: s.dtype as DTypeCode,
  shape: s.shape.map(Number),
});

/** The ModelSpec struct for `ModelRegistry.propose`. */
export function specStruct(def: ModelDef) {
  return {
    modelHash: sha256(def.bytes()),
    uri: def.uri,
    computeUnits: def.computeUnits,
    maxInputBytes: def.maxInputBytes,
    maxOutputBytes: def.maxOutputBytes,
    outputDecimals: def.outputDecimals,
    tolerance: def.tolerance,
    inputs: def.inputs.map(toSpec),
    outputs: def.outputs.map(toSpec),
  };
}

/** Proposes a model; returns its id (approval is governance's). */
export async function proposeModel(c: ParadigmClients, def: ModelDef): Promise<number> {
  if (!c.walletClient) throw new Error("proposing a model needs a key (--keystore)");
  const hash = await c.contracts.models.write.propose([specStruct(def)], { account: c.walletClient.account, chain: c.walletClient.chain });
  const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
  const [ev] = parseEventLogs({ abi: modelRegistryAbi, logs: receipt.logs, eventName: "ModelProposed" });
  return Number(ev.args.id);
}

export async function getModel(c: ParadigmClients, id: number): Promise<ModelRecord> {
  const m = await c.contracts.models.read.modelOf([id]);
  const s = m.spec;
  return {
    id: Number(m.id),
    status: MODEL_STATUS[m.status],
    proposer: m.proposer,
    modelHash: s.modelHash,
    uri: s.uri,
    computeUnits: s.computeUnits,
    maxInputBytes: s.maxInputBytes,
    maxOutputBytes: s.maxOutputBytes,
    outputDecimals: s.outputDecimals,
    tolerance: s.tolerance,
    inputs: s.inputs.map(fromSpec),
    outputs: s.outputs.map(fromSpec),
  };
}

export async function listModels(c: ParadigmClients): Promise<ModelRecord[]> {
  const n = Number(await c.contracts.models.read.modelCount());
  return Promise.all(Array.from({ length: n }, (_, i) => getModel(c, i + 1)));
}

/** Fetches model `id`'s file into the cache and verifies it against the on-chain sha256. */
export async function modelFile(c: ParadigmClients, id: number, cacheDir: string): Promise<{ model: ModelRecord; path: string }> {
  const model = await getModel(c, id);
  return { model, path: await fetchModel(model.uri, model.modelHash, cacheDir) };
}

/** The signature subset a worker needs (plain data, structured-clone safe). */
export function signatureOf(m: ModelRecord): ModelSignature {
  return { inputs: m.inputs, outputs: m.outputs, outputDecimals: m.outputDecimals, maxInputBytes: m.maxInputBytes, maxOutputBytes: m.maxOutputBytes };
}
