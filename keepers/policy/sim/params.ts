/**
 * The protocol's parameters as the simulator uses them, defaulting to the deployed values: the
 * contracts' constructor defaults (EmissionPool, TaskMarket, TaskCourt) and the production module
 * parameters of deploy/modules/Paradigm.ts (1-day epochs, 90-day genesis vesting).
 */
export const BPS = 10_000n;
/** PAR has 8 decimals. */
export const PAR = 10n ** 8n;
/** Work units per compute unit of a paid task (TaskLib.WORK_PER_CU). */
export const WORK_PER_CU = 10_000n;
/** EmissionPool.YEAR_ONE_BUDGET. */
export const YEAR_ONE_BUDGET = 1_000_000_000n * PAR;
/** ParadigmToken.INITIAL_CAP. */
export const TOKEN_CAP = 8_000_000_000n * PAR;
/** EmissionMath guardrails. */
export const MIN_MULTIPLIER_BPS = 5_000n;
export const MAX_MULTIPLIER_BPS = 15_000n;
export const MAX_STEP_BPS = 2_000n;

export type Params = {
  // EmissionPool
  epochLength: bigint;
  maxShareBps: bigint;
  /** default: one year of epochs (the constructor's `perYear`) */
  bootstrapEpochs: bigint;
  yearDecayBps: bigint;
  minFeePerCUFloor: bigint;
  minFeePerCUCeiling: bigint;
  genesisVesting: bigint;
  zeroFeeBudget: bigint;
  // TaskMarket
  bondMultiplierBps: bigint;
  protocolFeeBps: bigint;
  zeroFeeCreditBps: bigint;
  challengeBond: bigint;
  zeroFeeLimit: bigint;
  zeroFeePeriod: bigint;
  livenessPenaltyBps: bigint;
  backingBps: bigint;
  // TaskCourt
  jurySize: bigint;
  slashBps: bigint;
  jurorShareBps: bigint;
  burnBps: bigint;
  // KeeperRegistry
  minStake: bigint;
};

export const DEPLOYED: Params = {
  epochLength: 86_400n,
  maxShareBps: 500n,
  bootstrapEpochs: 365n,
  yearDecayBps: 8_000n,
  minFeePerCUFloor: 1_000n,
  minFeePerCUCeiling: 100_000_000n,
  genesisVesting: 90n * 86_400n,
  zeroFeeBudget: 10_000n * PAR,
  bondMultiplierBps: 100_000n,
  protocolFeeBps: 500n,
  zeroFeeCreditBps: 1_000n,
  challengeBond: PAR,
  zeroFeeLimit: 10n,
  zeroFeePeriod: 86_400n,
  livenessPenaltyBps: 1_000n,
  backingBps: 5_000n,
  jurySize: 5n,
  slashBps: 1_000n,
  jurorShareBps: 2_000n,
  burnBps: 1_000n,
  minStake: 0n,
};

/** EmissionPool.epochsPerYear: 365 days / epochLength, rounded down. */
export const epochsPerYear = (p: Params) => (365n * 86_400n) / p.epochLength;

/** `amount` × bps / 10,000, rounded down (TaskLib.bps). */
export const bps = (amount: bigint, b: bigint) => (amount * b) / BPS;
export const min = (a: bigint, b: bigint) => (a < b ? a : b);
export const max = (a: bigint, b: bigint) => (a > b ? a : b);
