/**
 * The indexer's tables: what users ask of Paradigm, one table a concept, named as the contracts
 * name it. Amounts are in PAR base units (8 decimals) as bigint; times are unix seconds; every
 * history row carries its block, time and transaction.
 */
import { index, onchainTable, primaryKey, relations } from "ponder";

/** The step of a task's life that a `taskEvent` row records. */
export const TASK_STEPS = [
  "posted",
  "claimed",
  "claimLapsed",
  "submitted",
  "challengeCommitted",
  "challenged",
  "disputeOpened",
  "rivalJoined",
  "juryDrawn",
  "juryReseeded",
  "voteCommitted",
  "voteRevealed",
  "jurorPenalized",
  "disputeEscalated",
  "disputeResolved",
  "convicted",
  "finalized",
  "expired",
  "refunded",
  "callback",
  "policyResult",
] as const;

/** A task's status as the indexer last saw it (the market's TaskStatus, plus how it ended). */
export const TASK_STATUSES = ["posted", "claimed", "submitted", "challenged", "finalized", "expired", "refunded"] as const;

export const task = onchainTable(
  "task",
  (t) => ({
    id: t.bigint().primaryKey(),
    modelId: t.integer().notNull(),
    requester: t.hex().notNull(),
    fee: t.bigint().notNull(),
    computeUnits: t.integer().notNull(),
    /** inputs the task carries: 1, or a lot's item count */
    items: t.integer().notNull(),
    deadline: t.integer().notNull(),
    postedAt: t.integer().notNull(),
    postBlock: t.bigint().notNull(),
    epoch: t.bigint().notNull(),
    callback: t.hex().notNull(),
    inputHash: t.hex().notNull(),
    input: t.hex(),
    inputUri: t.text(),
    status: t.text({ enum: TASK_STATUSES }).notNull(),
    /** the keeper holding the claim (the drawn assignee inside the assign window, anyone eligible after) */
    keeper: t.hex(),
    /** true when the first claim came inside the assign window, so from the drawn assignee */
    claimedByAssignee: t.boolean(),
    bond: t.bigint(),
    claimedAt: t.integer(),
    resultHash: t.hex(),
    output: t.hex(),
    outputUri: t.text(),
    submittedAt: t.integer(),
    challenger: t.hex(),
    challengedAt: t.integer(),
    /** the court's ruling: "submitter", "challenger", "rival", "neither", "unarbitrated" (closed after the arbiter's deadline), or "convicted" (a canary lie, no jury) */
    ruling: t.text(),
    keeperAmount: t.bigint(),
    protocolFee: t.bigint(),
    credited: t.bigint(),
    refund: t.bigint(),
    endedAt: t.integer(),
    updatedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    requesterIdx: index().on(table.requester),
    keeperIdx: index().on(table.keeper),
    modelIdx: index().on(table.modelId),
    epochIdx: index().on(table.epoch),
    statusIdx: index().on(table.status),
  }),
);

export const taskEvent = onchainTable(
  "task_event",
  (t) => ({
    id: t.text().primaryKey(),
    taskId: t.bigint().notNull(),
    step: t.text({ enum: TASK_STEPS }).notNull(),
    /** who acted: requester, keeper, challenger, juror, or the court */
    actor: t.hex(),
    /** the step's own fields (amounts as decimal strings) */
    data: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
    logIndex: t.integer().notNull(),
  }),
  (table) => ({ taskIdx: index().on(table.taskId), actorIdx: index().on(table.actor) }),
);

export const dispute = onchainTable(
  "dispute",
  (t) => ({
    id: t.bigint().primaryKey(),
    submitter: t.hex().notNull(),
    challenger: t.hex().notNull(),
    /** the third side, when one joined (`RivalJoined`) */
    rival: t.hex(),
    round: t.integer().notNull(),
    seedBlock: t.bigint().notNull(),
    jurors: t.json().$type<`0x${string}`[]>().notNull(),
    commitEnd: t.integer(),
    revealEnd: t.integer(),
    toArbiter: t.boolean().notNull(),
    /** "open", or the ruling: "submitter", "challenger", "rival", "neither", "unarbitrated" */
    outcome: t.text().notNull(),
    byArbiter: t.boolean(),
    slashed: t.bigint(),
    toWinner: t.bigint(),
    toJurors: t.bigint(),
    burned: t.bigint(),
    openedAt: t.integer().notNull(),
    resolvedAt: t.integer(),
  }),
);

export const juryVote = onchainTable(
  "jury_vote",
  (t) => ({
    disputeId: t.bigint().notNull(),
    juror: t.hex().notNull(),
    round: t.integer().notNull(),
    committedAt: t.integer(),
    /** the revealed vote: "submitter", "challenger" or "neither" */
    vote: t.text(),
    revealedAt: t.integer(),
    penalty: t.bigint(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.disputeId, table.juror, table.round] }), jurorIdx: index().on(table.juror) }),
);

export const keeper = onchainTable("keeper", (t) => ({
  id: t.hex().primaryKey(),
  endpoint: t.text().notNull(),
  hardwareClass: t.hex().notNull(),
  modelIds: t.json().$type<number[]>().notNull(),
  available: t.boolean().notNull(),
  /** pool stake (operator and delegators), as the registry's stakeOf */
  stake: t.bigint().notNull(),
  /** pool stake unbonding, as the registry's unbondingOf */
  unbonding: t.bigint().notNull(),
  totalShares: t.bigint().notNull(),
  /** bumped when a slash takes the whole stake: older shares are worth nothing */
  shareEra: t.integer().notNull(),
  delegators: t.integer().notNull(),
  commissionBps: t.integer().notNull(),
  pendingCommissionBps: t.integer(),
  commissionEffectiveAt: t.integer(),
  tasksClaimed: t.integer().notNull(),
  tasksDone: t.integer().notNull(),
  tasksLapsed: t.integer().notNull(),
  disputesWon: t.integer().notNull(),
  disputesLost: t.integer().notNull(),
  slashes: t.integer().notNull(),
  slashed: t.bigint().notNull(),
  feesEarned: t.bigint().notNull(),
  rewards: t.bigint().notNull(),
  emissionClaimed: t.bigint().notNull(),
  vested: t.bigint().notNull(),
  registeredAt: t.integer().notNull(),
}));

export const delegation = onchainTable(
  "delegation",
  (t) => ({
    keeper: t.hex().notNull(),
    account: t.hex().notNull(),
    /** pool shares held, as the registry's positionOf(keeper, account).shares */
    shares: t.bigint().notNull(),
    shareEra: t.integer().notNull(),
    unbondReadyAt: t.integer(),
    staked: t.bigint().notNull(),
    unbonded: t.bigint().notNull(),
    withdrawn: t.bigint().notNull(),
    rewardsClaimed: t.bigint().notNull(),
    /** the part of the pool's slashes that fell on this position, pro rata to its shares */
    slashed: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.keeper, table.account] }), accountIdx: index().on(table.account) }),
);

/** Every stake movement and slash, as the registry reported it. */
export const stakeEvent = onchainTable(
  "stake_event",
  (t) => ({
    id: t.text().primaryKey(),
    keeper: t.hex().notNull(),
    account: t.hex(),
    /** "registered", "staked", "unbondRequested", "withdrawn", "slashed", "rewarded", "rewardsClaimed", "vested", "commissionQueued" */
    kind: t.text().notNull(),
    amount: t.bigint().notNull(),
    data: t.json().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ keeperIdx: index().on(table.keeper), accountIdx: index().on(table.account) }),
);

export const model = onchainTable("model", (t) => ({
  id: t.integer().primaryKey(),
  modelHash: t.hex().notNull(),
  proposer: t.hex().notNull(),
  /** "proposed", "approved", "retired" */
  status: t.text().notNull(),
  computeUnits: t.integer().notNull(),
  spec: t.json().notNull(),
  tasks: t.integer().notNull(),
  inputs: t.integer().notNull(),
  fees: t.bigint().notNull(),
  disputes: t.integer().notNull(),
  proposedAt: t.integer().notNull(),
}));

export const epoch = onchainTable("epoch", (t) => ({
  id: t.bigint().primaryKey(),
  /** set when the pool closed the epoch */
  closed: t.boolean().notNull(),
  baseline: t.bigint(),
  multiplierBps: t.integer(),
  amount: t.bigint(),
  totalWork: t.bigint(),
  fromPolicy: t.boolean(),
  /** the policy model's raw output, as the market delivered it */
  proposedMultiplierBps: t.integer(),
  proposedMinFeePerCU: t.bigint(),
  policyAccepted: t.boolean(),
  /** what the pool's guardrails applied */
  appliedMultiplierBps: t.integer(),
  minFeePerCU: t.bigint(),
  rollover: t.bigint(),
  /** work units credited in the epoch, all contributors */
  credited: t.bigint().notNull(),
  /** the metrics the chain measured when the epoch closed (TaskMarket EpochMeasured), named as keepers/src/policy-io.ts names them, decimal strings */
  measured: t.json(),
  /** the policy task the protocol posted on them (null: none) */
  policyTask: t.bigint(),
}));

export const emissionYear = onchainTable("emission_year", (t) => ({
  id: t.bigint().primaryKey(),
  firstEpoch: t.bigint().notNull(),
  budget: t.bigint().notNull(),
  available: t.bigint().notNull(),
  startedAt: t.integer().notNull(),
}));

export const workCredit = onchainTable(
  "work_credit",
  (t) => ({
    epoch: t.bigint().notNull(),
    contributor: t.hex().notNull(),
    units: t.bigint().notNull(),
    zeroFeeUnits: t.bigint().notNull(),
    backing: t.bigint().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.epoch, table.contributor] }), contributorIdx: index().on(table.contributor) }),
);

export const emissionClaim = onchainTable(
  "emission_claim",
  (t) => ({
    id: t.text().primaryKey(),
    contributor: t.hex().notNull(),
    fromEpoch: t.bigint().notNull(),
    toEpoch: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ contributorIdx: index().on(table.contributor) }),
);

export const account = onchainTable("account", (t) => ({
  id: t.hex().primaryKey(),
  balance: t.bigint().notNull(),
  votes: t.bigint().notNull(),
  delegate: t.hex(),
  deposited: t.bigint().notNull(),
  depositWithdrawn: t.bigint().notNull(),
  tasksPosted: t.integer().notNull(),
  feesPaid: t.bigint().notNull(),
}));

export const transfer = onchainTable(
  "transfer",
  (t) => ({
    id: t.text().primaryKey(),
    from: t.hex().notNull(),
    to: t.hex().notNull(),
    value: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ fromIdx: index().on(table.from), toIdx: index().on(table.to) }),
);

export const deposit = onchainTable(
  "deposit",
  (t) => ({
    id: t.text().primaryKey(),
    requester: t.hex().notNull(),
    /** "deposited" or "withdrawn" */
    kind: t.text().notNull(),
    from: t.hex(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ requesterIdx: index().on(table.requester) }),
);

export const proposal = onchainTable("proposal", (t) => ({
  id: t.bigint().primaryKey(),
  proposer: t.hex().notNull(),
  targets: t.json().$type<`0x${string}`[]>().notNull(),
  values: t.json().$type<string[]>().notNull(),
  calldatas: t.json().$type<`0x${string}`[]>().notNull(),
  description: t.text().notNull(),
  voteStart: t.bigint().notNull(),
  voteEnd: t.bigint().notNull(),
  /** "pending/active" until queued, executed or canceled (the governor's state() tells which) */
  status: t.text().notNull(),
  forVotes: t.bigint().notNull(),
  againstVotes: t.bigint().notNull(),
  abstainVotes: t.bigint().notNull(),
  eta: t.bigint(),
  createdAt: t.integer().notNull(),
  tx: t.hex().notNull(),
}));

export const vote = onchainTable(
  "vote",
  (t) => ({
    proposalId: t.bigint().notNull(),
    voter: t.hex().notNull(),
    /** 0 against, 1 for, 2 abstain (the governor's counting) */
    support: t.integer().notNull(),
    weight: t.bigint().notNull(),
    reason: t.text().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.proposalId, table.voter] }) }),
);

/** Timelock operations: scheduled, executed or cancelled calls. */
export const timelockCall = onchainTable(
  "timelock_call",
  (t) => ({
    operationHash: t.hex().notNull(),
    index: t.bigint().notNull(),
    target: t.hex().notNull(),
    value: t.bigint().notNull(),
    data: t.hex().notNull(),
    delay: t.bigint().notNull(),
    /** "scheduled", "executed", "cancelled" */
    status: t.text().notNull(),
    scheduledAt: t.integer().notNull(),
    executedAt: t.integer(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.operationHash, table.index] }) }),
);

/** A governance parameter in force: one row per contract and name. */
export const parameter = onchainTable(
  "parameter",
  (t) => ({
    contract: t.text().notNull(),
    /** the parameter's name (the bytes32 as text) */
    name: t.text().notNull(),
    value: t.bigint().notNull(),
    updatedAt: t.integer().notNull(),
    changes: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.contract, table.name] }) }),
);

export const parameterChange = onchainTable(
  "parameter_change",
  (t) => ({
    id: t.text().primaryKey(),
    contract: t.text().notNull(),
    name: t.text().notNull(),
    previous: t.bigint().notNull(),
    value: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.integer().notNull(),
    tx: t.hex().notNull(),
  }),
  (table) => ({ nameIdx: index().on(table.contract, table.name) }),
);

/**
 * The network's metrics per epoch, the ones the emission policy reads (docs/design.md §8), each defined
 * once in keepers/src/network-metrics.ts.
 */
export const epochStat = onchainTable("epoch_stat", (t) => ({
  id: t.bigint().primaryKey(),
  tasksPosted: t.integer().notNull(),
  tasks: t.integer().notNull(),
  inputs: t.integer().notNull(),
  computeUnits: t.bigint().notNull(),
  fees: t.bigint().notNull(),
  activeKeepers: t.integer().notNull(),
  distinctRequesters: t.integer().notNull(),
  disputes: t.integer().notNull(),
  /** disputes per finalized task, in basis points */
  disputeRateBps: t.integer().notNull(),
  /** the largest pool's share of all stake, in basis points */
  largestPoolBps: t.integer().notNull(),
  /** Herfindahl index of pool stakes, in basis points (10,000: one pool holds everything) */
  herfindahlBps: t.integer().notNull(),
  totalStake: t.bigint().notNull(),
}));

/** Per-epoch, per-keeper work: the leaderboard's rows. */
export const keeperEpoch = onchainTable(
  "keeper_epoch",
  (t) => ({
    epoch: t.bigint().notNull(),
    keeper: t.hex().notNull(),
    tasks: t.integer().notNull(),
    inputs: t.integer().notNull(),
    computeUnits: t.bigint().notNull(),
    fees: t.bigint().notNull(),
    credit: t.bigint().notNull(),
    lapsed: t.integer().notNull(),
    disputesWon: t.integer().notNull(),
    disputesLost: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.epoch, table.keeper] }), byFees: index().on(table.epoch, table.fees) }),
);

/** Distinct requesters per epoch (the row exists once the requester posted in the epoch). */
export const requesterEpoch = onchainTable(
  "requester_epoch",
  (t) => ({
    epoch: t.bigint().notNull(),
    requester: t.hex().notNull(),
    tasks: t.integer().notNull(),
  }),
  (table) => ({ pk: primaryKey({ columns: [table.epoch, table.requester] }) }),
);

export const taskRelations = relations(task, ({ many, one }) => ({
  events: many(taskEvent),
  model: one(model, { fields: [task.modelId], references: [model.id] }),
}));
export const taskEventRelations = relations(taskEvent, ({ one }) => ({
  task: one(task, { fields: [taskEvent.taskId], references: [task.id] }),
}));
export const keeperRelations = relations(keeper, ({ many }) => ({ delegations: many(delegation), epochs: many(keeperEpoch) }));
export const delegationRelations = relations(delegation, ({ one }) => ({
  pool: one(keeper, { fields: [delegation.keeper], references: [keeper.id] }),
}));
export const keeperEpochRelations = relations(keeperEpoch, ({ one }) => ({
  pool: one(keeper, { fields: [keeperEpoch.keeper], references: [keeper.id] }),
}));
export const disputeRelations = relations(dispute, ({ many }) => ({ votes: many(juryVote) }));
export const juryVoteRelations = relations(juryVote, ({ one }) => ({
  dispute: one(dispute, { fields: [juryVote.disputeId], references: [dispute.id] }),
}));
export const proposalRelations = relations(proposal, ({ many }) => ({ votes: many(vote) }));
export const voteRelations = relations(vote, ({ one }) => ({
  proposal: one(proposal, { fields: [vote.proposalId], references: [proposal.id] }),
}));
