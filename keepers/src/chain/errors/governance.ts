/** Sentences for the GenesisGuardian's, the Governor's and the timelock's errors. */
import { duration, par, type Table } from "./format.js";

export const governanceSentences: Table = {
  GenesisOver: (a) =>
    `genesis is over: PAR's voting supply is ${par(a.votingSupply)}, at or above the guardian's threshold of ${par(a.threshold)}; propose through the Governor instead`,
  NotGuardian: (a) => `${a.caller} is not the genesis guardian; only the founders' multisig may do this`,
  DelayNotAboveUnbonding: (a) =>
    `a timelock delay of ${duration(a.delay)} is not above the unbonding period of ${duration(a.unbondingPeriod)}: stakers could not leave before a change executes; choose a longer delay`,
  FailedCall: () => "the timelock's call to its target reverted; check the target and its arguments",
  TimelockInsufficientDelay: (a) =>
    `a delay of ${duration(a.delay)} is below the timelock's minimum of ${duration(a.minDelay)}; schedule with at least the minimum`,
  TimelockInvalidOperationLength: (a) =>
    `a batch needs as many values and payloads as targets: ${a.targets} targets, ${a.payloads} payloads, ${a.values} values`,
  TimelockUnauthorizedCaller: (a) => `${a.caller} may not execute this timelock operation`,
  TimelockUnexecutedPredecessor: (a) => `operation ${a.predecessorId} must execute first; execute it, then this one`,
  ERC6372InconsistentClock: () => "PAR's clock and the Governor's disagree; the Governor must use the token's timestamp clock",
  GovernorAlreadyCastVote: (a) => `${a.voter} has already voted on this proposal; a vote cannot be changed`,
  GovernorAlreadyQueuedProposal: (a) => `proposal ${a.proposalId} is already queued on the timelock; execute it once its delay has passed`,
  GovernorDisabledDeposit: () => "the Governor takes no ETH; send the call without value",
  GovernorInsufficientProposerVotes: (a) =>
    `${a.proposer} has ${par(a.votes)} of votes, below the ${par(a.threshold)} needed to propose; delegate votes to yourself (or get them delegated) first`,
  GovernorInvalidProposalLength: (a) =>
    `a proposal needs as many values and calldatas as targets, and at least one: ${a.targets} targets, ${a.calldatas} calldatas, ${a.values} values`,
  GovernorInvalidQuorumFraction: (a) => `a quorum of ${a.quorumNumerator}/${a.quorumDenominator} is not a fraction of at most 1`,
  GovernorInvalidSignature: (a) => `the vote signature does not recover to ${a.voter}; sign the ballot again with that account`,
  GovernorInvalidVoteParams: () => "this Governor takes no vote parameters; vote without params",
  GovernorInvalidVoteType: () => "a vote must be 0 (against), 1 (for) or 2 (abstain)",
  GovernorInvalidVotingPeriod: (a) => `a voting period of ${duration(a.votingPeriod)} is too short; it must be at least a second`,
  GovernorNonexistentProposal: (a) => `there is no proposal ${a.proposalId}; check its id (hashProposal of its targets, values, calldatas and description)`,
  GovernorOnlyExecutor: (a) => `${a.account} is not the Governor's executor (the timelock); this can only run through a passed proposal`,
  GovernorProposalQueueingFailed: (a) => `proposal ${a.proposalId} could not be queued on the timelock`,
  GovernorProposalQueueingNotRequired: (a) => `proposal ${a.proposalId} needs no queueing; execute it directly`,
  GovernorRestrictedProposer: (a) => `${a.proposer} may not make this proposal: its description restricts the proposer to another address`,
  GovernorUnableToCancel: (a) => `${a.account} cannot cancel proposal ${a.proposalId}: only its proposer can, and only before voting starts`,
  GovernorUnexpectedProposalState: (a) =>
    `proposal ${a.proposalId} is ${["pending", "active", "canceled", "defeated", "succeeded", "queued", "expired", "executed"][Number(a.current)] ?? `in state ${a.current}`}, not in a state this step allows (vote while active; queue once succeeded; execute once queued and its delay has passed)`,
  TimelockUnexpectedOperationState: (a) =>
    `timelock operation ${a.operationId} is not in the state this needs (not scheduled, not ready yet, or already done); check it with getOperationState`,
};
