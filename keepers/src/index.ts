/**
 * @paradigm/keepers: the Paradigm TypeScript SDK.
 *
 *   const paradigm = createParadigm({ rpcUrl, addresses: "deploy/deployments/31337.json", privateKey });
 *   const { outputs } = await paradigm.infer(1, { x: { dims: [1, 4], data: [0.1, 0.2, 0.3, 0.4] } });
 */
import type { Address, Hex } from "viem";
import { loadAddressBook, type AddressBook } from "./chain/addresses.js";
import { connect, type ParadigmClients } from "./chain/client.js";
import { getModel, listModels, proposeModel } from "./chain/models.js";
import { modelServers } from "./chain/servers.js";
import { deposit, expireTasks, postLot, postTask, waitForResult, withdrawDeposit, type Input, type PostOptions, type VerifiedResult } from "./chain/requester.js";
import { createTaskBook } from "./chain/taskbook.js";

export * from "./amounts.js";
export * from "./canonical.js";
export * from "./tensors.js";
export * from "./lot.js";
export { MODELS, sha256, type ModelDef } from "./models.js";
export { modelFromFile, readOnnxSignature, type ModelFileOptions } from "./model-file.js";
export { loadKeystore, createKeystore } from "./keystore.js";
export { connect, fromClients, nonceSafe, withGasHeadroom, withHeadroom, GAS_HEADROOM, type ParadigmClients } from "./chain/client.js";
export { NoGasError, isNoGas } from "./chain/no-gas.js";
export { fundFromNode, LOCAL_CHAIN_ID } from "./chain/faucet.js";
export { loadAddressBook, type AddressBook } from "./chain/addresses.js";
export { RpcUnreachableError, withReachCheck, PROBE_MS } from "./chain/reach.js";
export { getModel, listModels, proposeModel, specStruct, type ModelRecord } from "./chain/models.js";
export { modelServers, type ModelServers } from "./chain/servers.js";
export { approveModel, devnetGuardian, type ApprovalStep } from "./chain/governance.js";
export { PERMIT_TYPES, NO_PERMIT, parDomain, signPermit, signTokenPermit, type PermitSigner } from "./chain/permit.js";
export { REQUEST_TYPES, marketDomain, signRequest, type RequestSigner, type SignedRequest } from "./chain/signed-request.js";
export { postTask, postTasks, postLot, waitForResult, finalizeTasks, FINALIZE_GRACE, expireTasks, deposit, withdrawDeposit, TaskFailedError, type VerifiedResult, type Input } from "./chain/requester.js";
export { createTaskBook, type Task, type TaskState } from "./chain/taskbook.js";
export { challengeCommitment } from "./chain/challenge.js";
export { explain, explainRevert, decodeRevert, paradigmErrorsAbi, ERROR_SENTENCES, type AbiError, type DecodedRevert, type ExplainOptions, type Sentence } from "./chain/errors/index.js";
export { startKeeper, type KeeperOptions } from "./keeper/index.js";

export type Paradigm = ReturnType<typeof paradigmFrom>;

/** Connects to a deployment: `addresses` is an address-book path or object. */
export function createParadigm(opts: { rpcUrl: string; addresses: string | AddressBook; privateKey?: Hex }): Paradigm {
  const book = typeof opts.addresses === "string" ? loadAddressBook(opts.addresses) : opts.addresses;
  return paradigmFrom(connect({ rpcUrl: opts.rpcUrl, book, privateKey: opts.privateKey }));
}

/** The SDK bound to existing clients. */
export function paradigmFrom(c: ParadigmClients) {
  return {
    clients: c,
    /** Posts a task, waits for it to finalize, and returns the output verified against its commitment. */
    async infer(modelId: number, input: Input, opts: PostOptions & { timeoutMs?: number } = {}): Promise<VerifiedResult> {
      const fromBlock = await c.publicClient.getBlockNumber();
      const id = await postTask(c, modelId, input, opts);
      return waitForResult(c, id, { fromBlock, timeoutMs: opts.timeoutMs });
    },
    /** `infer` for many inputs at once, as one lot: the verified result's `items` holds each input's outputs. */
    async inferLot(modelId: number, inputs: Input[], opts: PostOptions & { timeoutMs?: number } = {}): Promise<VerifiedResult> {
      const fromBlock = await c.publicClient.getBlockNumber();
      const id = await postLot(c, modelId, inputs, opts);
      return waitForResult(c, id, { fromBlock, timeoutMs: opts.timeoutMs });
    },
    postTask: (modelId: number, input: Input, opts?: PostOptions) => postTask(c, modelId, input, opts),
    /** Posts a lot (many inputs of one model as one task, for less gas per input); see `postLot`. */
    postLot: (modelId: number, inputs: Input[], opts?: PostOptions) => postLot(c, modelId, inputs, opts),
    waitForResult: (id: bigint, opts?: Parameters<typeof waitForResult>[2]) => waitForResult(c, id, opts),
    async reclaim(ids: bigint[]) {
      const book = createTaskBook(c);
      await book.sync();
      return expireTasks(c, ids.map((id) => book.tasks.get(id)!).filter(Boolean));
    },
    /** Prepays `amount` (base units) of fees into the market: later posts need no approval and cost less gas. */
    deposit: (amount: bigint, requester?: Address) => deposit(c, amount, requester),
    withdrawDeposit: (amount: bigint) => withdrawDeposit(c, amount),
    getModel: (id: number) => getModel(c, id),
    listModels: () => listModels(c),
    proposeModel: (def: Parameters<typeof proposeModel>[1]) => proposeModel(c, def),
    /** The active keepers serving model `id`, with a warning when fewer than two do (nobody checks their results). */
    modelServers: (id: number) => modelServers(c, id),
  };
}
