import type { ParadigmModuleOptions } from "./modules/Paradigm.js";

/**
 * The shortest windows for which the protocol stays safe against the measured keeper (docs/market.md,
 * "Window sizes"): the contracts refuse shorter `challengeWindow` (TaskMarketBase
 * MIN_CHALLENGE_WINDOW) and `commitPeriod` / `revealPeriod` (TaskCourt.MIN_VOTE_PERIOD). The
 * adversarial soak runs at exactly these.
 */
export const SAFE_WINDOWS = { challengeWindow: 15, commitPeriod: 10, revealPeriod: 10, assignWindow: 4, claimTimeout: 20 } as const;

/** Devnet profile: windows and epochs of seconds, so a full round trip takes seconds (docs/design.md §11). */
export const DEVNET = {
  parameters: {
    // above unbondingPeriod: stakers can leave before a scheduled operation executes
    timelockDelay: 90n,
    votingDelay: 10,
    votingPeriod: 120,
    proposalThreshold: 10n ** 8n,
    epochLength: 60n,
    unbondingPeriod: 60n,
    commissionDelay: 60n,
  },
  // At genesis every task is zero-fee (nobody holds PAR): zero-fee work is credited at the
  // default 10% of its CU, which is still the whole emission when it is the only work.
  market: { assignWindow: SAFE_WINDOWS.assignWindow, claimTimeout: SAFE_WINDOWS.claimTimeout, challengeWindow: SAFE_WINDOWS.challengeWindow, zeroFeeLimit: 600, zeroFeePeriod: 60 },
  court: { commitPeriod: SAFE_WINDOWS.commitPeriod, revealPeriod: SAFE_WINDOWS.revealPeriod, arbitrationPeriod: 600 },
  // Keepers' claimed emission vests into their own stake over 5 minutes (90 days by default).
  pool: { genesisVesting: 300 },
} as const satisfies ParadigmModuleOptions & { parameters: Record<string, unknown> };

/** The parameter profile of a network a deployment is for: the module's options. */
export type Profile = ParadigmModuleOptions & { parameters: Record<string, unknown> };

/** Production: the module's own defaults (docs/governance.md), on every real L2. */
export const PRODUCTION = { parameters: {} } as const satisfies Profile;

/**
 * Contract tests (test/helpers/market.ts): the deployer governs and mints (the module's test
 * option), hour-long periods, and no attestation, so a registered keeper is active at once.
 */
export const TEST = {
  parameters: { unbondingPeriod: 3_600n, commissionDelay: 3_600n, epochLength: 3_600n },
  attestation: false,
  test: { minter: "deployer" },
} as const satisfies Profile;

/**
 * Keeper processes on an in-process chain (test/helpers/sdk-chain.ts): the test profile with
 * devnet-like windows, so a round trip takes seconds; juries of one.
 */
export const KEEPER_TEST = {
  ...TEST,
  parameters: { ...TEST.parameters, unbondingPeriod: 60n, commissionDelay: 60n },
  market: { assignWindow: 2n, claimTimeout: 10n, challengeWindow: BigInt(SAFE_WINDOWS.challengeWindow), challengeBond: 10n ** 6n },
  court: { commitPeriod: BigInt(SAFE_WINDOWS.commitPeriod), revealPeriod: BigInt(SAFE_WINDOWS.revealPeriod), jurySize: 1n },
} as const satisfies Profile;

/**
 * One profile per network (hardhat.config.ts): the devnet's chain and its RPC run the devnet
 * profile; every real L2, production.
 */
export const PROFILES: Readonly<Record<string, Profile>> = {
  // Hardhat's in-process chains (a dry run of deploy/deploy.ts; `hardhat node`)
  default: DEVNET,
  node: DEVNET,
  devnet: DEVNET,
  localhost: DEVNET,
  base: PRODUCTION,
  baseSepolia: PRODUCTION,
  optimism: PRODUCTION,
  optimismSepolia: PRODUCTION,
  arbitrum: PRODUCTION,
  arbitrumSepolia: PRODUCTION,
};
