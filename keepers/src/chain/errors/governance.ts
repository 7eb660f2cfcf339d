/** Sentences for the GenesisGuardian's and the timelock's errors. */
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
  TimelockUnexpectedOperationState: (a) =>
    `timelock operation ${a.operationId} is not in the state this needs (not scheduled, not ready yet, or already done); check it with getOperationState`,
};
