/** Sentences for TaskCourt's and EmissionPool's errors. */
import { DISPUTE_PHASE, duration, named, when, type Table } from "./format.js";

export const courtSentences: Table = {
  WrongPhase: (a) => `the dispute of task ${a.id} is ${named(DISPUTE_PHASE, a.phase)}, and this call needs another phase`,
  SeedNotReady: (a) => `the jury of task ${a.id} is drawn from block ${a.seedBlock}, which is not mined yet; retry in a later block`,
  NotJuror: (a) => `${a.caller} is not on the current jury of task ${a.id}`,
  CommitPeriodOver: (a, c) => `the commit period of task ${a.id}'s dispute ended at ${when(a.endedAt, c)}; votes can no longer be committed`,
  NotRevealPeriod: (a, c) =>
    `votes on task ${a.id} are revealed from ${when(a.commitEnd, c)} until ${when(a.revealEnd, c)}; reveal within that period`,
  AlreadyVoted: (a) => `${a.juror} already voted on task ${a.id}`,
  BadReveal: (a) => `${a.juror}'s revealed vote and salt on task ${a.id} do not match its commitment (or the vote is out of range); reveal the committed vote and salt`,
  VotingNotOver: (a, c) => `voting on task ${a.id} runs until ${when(a.revealEnd, c)} (unless every juror reveals); resolve it after that`,
  InvalidOutcome: () => "the outcome must be Submitter (1), Challenger (2), Neither (3), or Rival (4) when a rival joined",
  RivalWindowClosed: (a, c) => `a rival could join task ${a.id}'s dispute until ${when(a.closedAt, c)}; it can no longer join`,
  RivalWindowOpen: (a, c) => `a rival may join task ${a.id}'s dispute until ${when(a.closesAt, c)}; draw the jury after that`,
  RivalTaken: (a) => `${a.rival} already joined the dispute of task ${a.id} as its rival; only one rival may join`,
  InvalidRival: (a) =>
    `this rival result for task ${a.id} is not allowed: it must be nonzero, differ from both sides' results and match its output, and a party cannot be the rival`,
  RivalNotCommitted: (a) => `${a.rival} must commit to joining task ${a.id}'s dispute (commitRival) in an earlier block, then join`,
  RivalNotEligible: (a) => `${a.rival} is not an active keeper, so it cannot join task ${a.id}'s dispute; stake and mark it available first`,
  ArbitrationPending: (a, c) => `the arbiter may decide task ${a.id}'s dispute until ${when(a.arbitrationEnd, c)}; close it after that`,
};

export const poolSentences: Table = {
  NotPolicyOracle: (a) => `only the policy oracle (the task market) may propose emission policy, and ${a.caller} is not it`,
  ProposalTooLate: (a) => `epoch ${a.epoch} has started; a proposal must target epoch ${a.earliest} or later`,
  EpochNotEnded: (a, c) => `epoch ${a.epoch} has not ended; it can be closed from ${when(a.endsAt, c)}`,
  EpochNotClosed: (a) => `epoch ${a.epoch} is not closed yet, so its emission cannot be claimed; claim it after it closes`,
  InvalidEpochRange: (a) => `epochs ${a.fromEpoch} to ${a.toEpoch} are an empty or reversed range; give the first epoch, then the last`,
  AlreadyClaimed: (a) => `${a.contributor} already claimed epoch ${a.epoch}`,
  InvalidEpochLength: (a) => `an epoch of ${duration(a.epochLength)} is not allowed; it must last 1 minute to 365 days`,
  WorkDeferred: (a) => `epoch ${a.epoch} cannot close while ${a.count} deferred work credits are unsettled; flush the keepers' accounts (market flush) first`,
  InvalidDeferredEpoch: (a) => `epoch ${a.epoch} is closed, not started, or has no open deferral, so no work can be credited to it`,
  KeepersAlreadySet: (a) => `the pool's keeper registry is already set (to ${a.keepers}) and cannot change`,
  MarketAlreadySet: (a) => `the pool's task market, which posts the policy tasks, is already set (to ${a.market}) and cannot change`,
  InsufficientGas: (a) => `closing an epoch needs ${a.needed} gas left for the policy task, and only ${a.left} was left; send it with more gas`,
};
