/** Sentences for TaskMarket's (and TaskMarketExtension's) errors. */
import { MODEL_STATUS, named, par, TASK_STATUS, when, type Table } from "./format.js";

export const marketSentences: Table = {
  // posting
  ModelNotApproved: (a) => `model ${a.modelId} is ${named(MODEL_STATUS, a.status)}, not approved, so it takes no tasks; see par models list`,
  InvalidItems: (a) => `a task of ${a.items} inputs is not allowed: give 1 to ${a.maxItems} inputs (a lot of 2 or more with --lot-json)`,
  InputTooLarge: (a) => `the input is ${a.length} bytes, the model takes at most ${a.maxInputBytes}; send a smaller input`,
  EmptyInput: () => "the task has no input: give inline input bytes or an input hash with its URI",
  FeeBelowMinimum: (a) => `a fee of ${par(a.fee)} is below this task's minimum of ${par(a.minimum)}; pay at least ${par(a.minimum)} (leave --fee out for the quote)`,
  InvalidDeadline: (a, c) => `the deadline ${when(a.deadline, c)} is in the past or more than 30 days ahead; give a --ttl within that`,
  InvalidCallbackGas: (a) => `callback gas of ${a.gas} is not allowed: a task with a callback needs 1 to ${a.maxGas} gas for it`,
  ZeroFeeRateLimited: (a, c) => `${a.requester} used up its zero-fee inputs for this period; more are allowed from ${when(a.resetsAt, c)}, or pay a fee`,
  InvalidBatch: () => "the batch is empty or its lists have different lengths; give one entry per task",
  InsufficientDeposit: (a) =>
    `${a.requester}'s deposit holds ${par(a.available)}, ${par(a.needed)} is needed; deposit more with par wallet deposit <amount> or ask for less`,
  // signed requests
  InvalidSignature: (a) => `the request's signature is not ${a.requester}'s; sign it with that key for this chain and market`,
  RequestExpired: (a, c) => `the signed request expired at ${when(a.expiry, c)}; sign a new one`,
  NonceUsed: (a) => `nonce ${a.nonce} of ${a.requester} was already used; sign the request again with a fresh nonce`,
  InputHashMismatch: (a) => `the inline input does not hash to the signed input hash ${a.inputHash}; send the input that was signed`,
  // claiming, submitting
  AssignmentPending: (a) => `task ${a.id}'s keeper is drawn from block ${a.seedBlock}, which is not mined yet; retry in the next block`,
  NotAssignee: (a) =>
    `only the drawn keeper ${a.assignee} may claim this task during its exclusive assign window; ${a.caller} may claim it once the window has passed`,
  NotEligible: (a) => `${a.keeper} is not an active keeper of model ${a.modelId}; serve the model and keep enough free stake (par keeper status)`,
  ClaimNotLapsed: (a, c) => `task ${a.id} is claimed, and its claim lapses only at ${when(a.lapsesAt, c)}; claim it after that if no result came`,
  DeadlinePassed: (a, c) => `task ${a.id}'s deadline passed at ${when(a.deadline, c)}; it can no longer be claimed or answered, only reclaimed by its requester (par task reclaim ${a.id})`,
  NotClaimant: (a) => `only the claimant ${a.keeper} may submit this task's result, and ${a.caller} is not it`,
  InvalidResult: () => "the result hash is zero; submit the keccak256 of the canonical output",
  TaskMismatch: (a) => `task ${a.id}: the task data given does not match the chain's (stale, forged, or the task is closed); read it again (par task get ${a.id})`,
  WrongStatus: (a) => `task ${a.id} is ${named(TASK_STATUS, a.status)}, and this call needs another state; see par task get ${a.id}`,
  // challenges, finalizing, expiring
  ChallengeWindowClosed: (a, c) => `task ${a.id}'s challenge window closed at ${when(a.closedAt, c)}; its result can no longer be challenged`,
  ChallengeWindowOpen: (a, c) => `task ${a.id}'s challenge window is open until ${when(a.endsAt, c)}; finalize it after that`,
  InvalidChallenge: (a) => `this challenge of task ${a.id} is not allowed: the submitter cannot challenge itself, and a challenge must post a different, non-zero result`,
  ChallengeNotCommitted: (a) =>
    `${a.challenger} has no commitment to this challenge of task ${a.id} from an earlier block; call commitChallenge first, then challenge in a later block`,
  NotExpired: (a, c) =>
    `task ${a.id} cannot be reclaimed yet: it expires after ${when(a.endsAt ?? a.deadline, c)} (its deadline, or for a submitted task with a callback the end of its challenge window plus the claim timeout); reclaim it then`,
  OutputMismatch: (a) => `task ${a.id}: the output given hashes to ${a.actual}, not to the result ${a.expected}; give the output that was submitted`,
  InsufficientCallbackGas: (a) =>
    `finalizing task ${a.id} left ${a.left} gas for its callback, ${a.needed} is needed; send the finalize with a higher gas limit`,
  // deployment and roles
  NotCourt: (a) => `only the task court may do this, and ${a.caller} is not it`,
  NotPool: (a) => `only the emission pool, closing an epoch, may post the policy task, and ${a.caller} is not it`,
  NotDelegated: () => "the market extension is only callable through the task market; call the market's address",
  ExtensionMismatch: (a) => `the market extension ${a.extension} was built for another token, registry or pool; deploy a matching one`,
  CourtAlreadySet: (a) => `the market's court is already set (to ${a.court}) and cannot change`,
};
