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
