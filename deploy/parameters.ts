/** Devnet parameters: a full round trip takes seconds (DESIGN.md §11). */
export const DEVNET_PARAMETERS = {
  timelockDelay: 60n,
  votingDelay: 10,
  votingPeriod: 120,
  proposalThreshold: 10n ** 8n,
  epochLength: 60n,
  unbondingPeriod: 60n,
  commissionDelay: 60n,
} as const;
