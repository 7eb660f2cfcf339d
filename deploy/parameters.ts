import type { ParadigmModuleOptions } from "./modules/Paradigm.js";

/** Devnet profile: windows and epochs of seconds, so a full round trip takes seconds (DESIGN.md §11). */
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
  market: { assignWindow: 4, claimTimeout: 20, challengeWindow: 6, zeroFeeLimit: 600, zeroFeePeriod: 60 },
  court: { commitPeriod: 10, revealPeriod: 10 },
  // Keepers' claimed emission vests into their own stake over 5 minutes (90 days by default).
  pool: { genesisVesting: 300 },
} as const satisfies ParadigmModuleOptions & { parameters: Record<string, unknown> };
