/** Sentences for ModelRegistry's and KeeperRegistry's errors. */
import { bps, duration, MODEL_STATUS, named, par, side, text, when, type Table } from "./format.js";

export const modelRegistrySentences: Table = {
  UnknownModel: (a) => `model ${a.id} does not exist; see par models list`,
  InvalidStatus: (a) =>
    `model ${a.id} is ${named(MODEL_STATUS, a.status)}, and that change is not allowed from there (a model goes proposed → approved → retired); see par models show ${a.id}`,
  ZeroModelHash: () => "the model's sha256 is zero; give the sha256 of the ONNX file",
  InvalidUri: (a) => `the model URI is ${a.length} bytes long; it must be 1 to ${a.maxLength} bytes`,
  InvalidLimit: (a) => `the model's ${text(a.field)} of ${a.value} is zero or above its maximum; give a value in range`,
  InvalidTensorCount: (a) => `the model declares ${a.count} ${side(a.isInput)}s; it must declare 1 to ${a.max}`,
  InvalidTensorName: (a) => `${side(a.isInput)} ${a.index} has an empty or too long name; name it`,
  InvalidDtype: (a) => `${side(a.isInput)} ${a.index} has dtype ${a.dtype}; use 1 (float32), 2 (int64), 3 (int32) or 4 (uint8)`,
  InvalidRank: (a) => `${side(a.isInput)} ${a.index} has ${a.rank} dimensions; at most ${a.maxRank} are allowed`,
  InvalidDimension: (a) => `dimension ${a.dim} of ${side(a.isInput)} ${a.index} is ${a.value}; a dimension is positive, or -1 for any size`,
  // ModelRegistry.propose: DuplicateModel(bytes32 modelHash, uint32 existingId); KeeperRegistry: DuplicateModel(uint32 modelId)
  DuplicateModel: (a) =>
    a.modelHash !== undefined
      ? `a model with sha256 ${a.modelHash} is already registered as model ${a.existingId}; use it (par models show ${a.existingId})`
      : `model ${a.modelId} appears twice in the model list; list each model once`,
};

export const keeperRegistrySentences: Table = {
  AlreadyRegistered: (a) => `${a.keeper} is already registered as a keeper; add stake with par keeper stake <amount>`,
  NotRegistered: (a) => `${a.keeper} is not a registered keeper; register with par keeper stake <amount> --models <ids>`,
  StakeVesting: (a) => `${par(a.unvested)} of ${a.keeper}'s own stake is still vesting (emission); only stake above that can be unstaked`,
  StakeBelowMinimum: (a) => `a stake of ${par(a.stake)} is below the minimum of ${par(a.minStake)}; stake at least ${par(a.minStake)}`,
  CommissionTooHigh: (a) => `a commission of ${bps(a.bps)} is above the maximum of ${bps(a.maxBps)}; ask for less`,
  InvalidEndpoint: (a) => `the endpoint is ${a.length} bytes long; it must be 1 to ${a.maxLength} bytes`,
  InvalidModelCount: (a) => `the model list has ${a.count} models; a keeper serves 1 to ${a.max} (see par models list)`,
  InvalidModelId: (a) => `model ${a.modelId} does not exist; see par models list`,
  ZeroAmount: () => "the amount is zero; give a positive amount",
  InsufficientStake: (a) =>
    `${a.keeper}'s pool has ${par(a.available)} of free stake, ${par(a.needed)} is needed; stake more (par keeper stake <amount>) or wait for bonds to unlock`,
  InsufficientPosition: (a) =>
    `${a.account} holds ${par(a.available)} in ${a.keeper}'s pool, ${par(a.needed)} was asked for; ask for at most ${par(a.available)}`,
  UnbondingHeld: (a) => `${a.keeper} is the submitter in ${a.disputes} open dispute(s): its pool's unbonding stake backs the slash it may owe, so it can be withdrawn once they end`,
  NothingUnbonding: (a) => `${a.account} has nothing unbonding in ${a.keeper}'s pool; start with par keeper unstake <amount>`,
  UnbondingNotReady: (a, c) => `the unbonding stake can be withdrawn from ${when(a.readyAt, c)}; run par keeper withdraw then`,
  NothingToClaim: (a) => `${a.account} has no rewards to claim in ${a.keeper}'s pool`,
  UnbondingNotBelowDelay: (a) =>
    `an unbonding period of ${duration(a.unbondingPeriod)} is not below the timelock's delay of ${duration(a.timelockDelay)}: stakers could not leave before a scheduled change takes effect; choose a shorter period`,
  DrawOutOfRange: (a) =>
    `a draw asked about block ${a.blockNumber}, but the current block is ${a.current}: draws reach only the 256 blocks before the current one; ask about a block in that range`,
};
