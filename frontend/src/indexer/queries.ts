/** Every query the dApp sends to the indexer (tables: subgraph/ponder.schema.ts). */
import { gql, type Page } from "./client";

export type TransferRow = { id: string; from: string; to: string; value: string; block: string; timestamp: number; tx: string };
export type DepositRow = { id: string; kind: string; amount: string; timestamp: number; tx: string };
export type TaskRow = { id: string; modelId: number; requester: string; fee: string; items: number; status: string; keeper: string | null; postedAt: number; output: string | null };
export type KeeperRow = {
  id: string; stake: string; delegators: number; commissionBps: number; tasksDone: number; tasksClaimed: number; tasksLapsed: number;
  disputesWon: number; disputesLost: number; slashes: number; feesEarned: string; rewards: string; emissionClaimed: string; available: boolean;
};
export type KeeperEpochRow = { epoch: string; keeper: string; tasks: number; inputs: number; computeUnits: string; fees: string; credit: string; lapsed: number; disputesWon: number; disputesLost: number };
export type DelegationRow = { keeper: string; account: string; shares: string; staked: string; unbonded: string; unbondReadyAt: number | null };
export type EpochRow = {
  id: string; closed: boolean; amount: string | null; baseline: string | null; multiplierBps: number | null; proposedMultiplierBps: number | null;
  appliedMultiplierBps: number | null; policyAccepted: boolean | null; minFeePerCU: string | null; proposedMinFeePerCU: string | null; credited: string;
};
export type YearRow = { id: string; firstEpoch: string; budget: string; available: string };
export type ProposalRow = { id: string; proposer: string; description: string; status: string; forVotes: string; againstVotes: string; abstainVotes: string; voteStart: string; voteEnd: string; createdAt: number };
export type ParameterRow = { contract: string; name: string; value: string; updatedAt: number; changes: number };
export type ParameterChangeRow = { id: string; contract: string; name: string; previous: string; value: string; timestamp: number; tx: string };
export type ModelRow = { id: number; status: string; computeUnits: number; tasks: number; inputs: number; fees: string; disputes: number };
export type ClaimRow = { id: string; fromEpoch: string; toEpoch: string; amount: string; timestamp: number; tx: string };

const lc = (a: string) => a.toLowerCase();

export async function transfersOf(url: string, account: string): Promise<TransferRow[]> {
  const fields = "items { id from to value block timestamp tx }";
  const r = await gql<{ sent: Page<TransferRow>; received: Page<TransferRow> }>(url, `query($a: String!) {
    sent: transfers(where: { from: $a }, orderBy: "block", orderDirection: "desc", limit: 50) { ${fields} }
    received: transfers(where: { to: $a }, orderBy: "block", orderDirection: "desc", limit: 50) { ${fields} }
  }`, { a: lc(account) });
  const all = new Map([...r.sent.items, ...r.received.items].map((t) => [t.id, t]));
  return [...all.values()].sort((a, b) => Number(BigInt(b.block) - BigInt(a.block)));
}

export async function depositsOf(url: string, requester: string): Promise<DepositRow[]> {
  const r = await gql<{ deposits: Page<DepositRow> }>(url, `query($a: String!) {
    deposits(where: { requester: $a }, orderBy: "block", orderDirection: "desc", limit: 50) { items { id kind amount timestamp tx } } }`, { a: lc(requester) });
  return r.deposits.items;
}

export async function tasksOf(url: string, requester: string): Promise<TaskRow[]> {
  const r = await gql<{ tasks: Page<TaskRow> }>(url, `query($a: String!) {
    tasks(where: { requester: $a }, orderBy: "postedAt", orderDirection: "desc", limit: 20) { items { id modelId requester fee items status keeper postedAt output } } }`, { a: lc(requester) });
  return r.tasks.items;
}

export async function leaderboard(url: string, epoch: bigint): Promise<KeeperEpochRow[]> {
  const r = await gql<{ keeperEpochs: Page<KeeperEpochRow> }>(url, `query($e: BigInt!) {
    keeperEpochs(where: { epoch: $e }, orderBy: "fees", orderDirection: "desc", limit: 100) { items { epoch keeper tasks inputs computeUnits fees credit lapsed disputesWon disputesLost } } }`, { e: epoch.toString() });
  return r.keeperEpochs.items;
}

/** The newest epoch in which any keeper finalized work (undefined before the first). */
export async function latestWorkEpoch(url: string): Promise<bigint | null> {
  const r = await gql<{ keeperEpochs: Page<{ epoch: string }> }>(url, `{ keeperEpochs(orderBy: "epoch", orderDirection: "desc", limit: 1) { items { epoch } } }`);
  return r.keeperEpochs.items[0] ? BigInt(r.keeperEpochs.items[0].epoch) : null;
}

export async function keepersList(url: string): Promise<KeeperRow[]> {
  const r = await gql<{ keepers: Page<KeeperRow> }>(url, `{ keepers(orderBy: "stake", orderDirection: "desc", limit: 100) {
    items { id stake delegators commissionBps tasksDone tasksClaimed tasksLapsed disputesWon disputesLost slashes feesEarned rewards emissionClaimed available } } }`);
  return r.keepers.items;
}

export async function keeperRecord(url: string, keeper: string): Promise<{ keeper: KeeperRow | null; delegations: DelegationRow[] }> {
  const r = await gql<{ keeper: KeeperRow | null; delegations: Page<DelegationRow> }>(url, `query($k: String!) {
    keeper(id: $k) { id stake delegators commissionBps tasksDone tasksClaimed tasksLapsed disputesWon disputesLost slashes feesEarned rewards emissionClaimed available }
    delegations(where: { keeper: $k }, orderBy: "shares", orderDirection: "desc", limit: 100) { items { keeper account shares staked unbonded unbondReadyAt } } }`, { k: lc(keeper) });
  return { keeper: r.keeper, delegations: r.delegations.items };
}

export async function emissionHistory(url: string): Promise<{ epochs: EpochRow[]; years: YearRow[] }> {
  const r = await gql<{ epochs: Page<EpochRow>; emissionYears: Page<YearRow> }>(url, `{
    epochs(orderBy: "id", orderDirection: "asc", limit: 1000) { items { id closed amount baseline multiplierBps proposedMultiplierBps appliedMultiplierBps policyAccepted minFeePerCU proposedMinFeePerCU credited } }
    emissionYears(orderBy: "id", orderDirection: "asc", limit: 10) { items { id firstEpoch budget available } } }`);
  return { epochs: r.epochs.items, years: r.emissionYears.items };
}

export async function claimsOf(url: string, contributor: string): Promise<ClaimRow[]> {
  const r = await gql<{ emissionClaims: Page<ClaimRow> }>(url, `query($a: String!) {
    emissionClaims(where: { contributor: $a }, orderBy: "block", orderDirection: "desc", limit: 50) { items { id fromEpoch toEpoch amount timestamp tx } } }`, { a: lc(contributor) });
  return r.emissionClaims.items;
}

export async function proposals(url: string): Promise<ProposalRow[]> {
  const r = await gql<{ proposals: Page<ProposalRow> }>(url, `{ proposals(orderBy: "createdAt", orderDirection: "desc", limit: 50) {
    items { id proposer description status forVotes againstVotes abstainVotes voteStart voteEnd createdAt } } }`);
  return r.proposals.items;
}

export async function parameters(url: string): Promise<{ parameters: ParameterRow[]; changes: ParameterChangeRow[] }> {
  const r = await gql<{ parameters: Page<ParameterRow>; parameterChanges: Page<ParameterChangeRow> }>(url, `{
    parameters(limit: 200) { items { contract name value updatedAt changes } }
    parameterChanges(orderBy: "timestamp", orderDirection: "desc", limit: 100) { items { id contract name previous value timestamp tx } } }`);
  return { parameters: r.parameters.items, changes: r.parameterChanges.items };
}

export async function modelsUsage(url: string): Promise<ModelRow[]> {
  const r = await gql<{ models: Page<ModelRow> }>(url, `{ models(orderBy: "id", orderDirection: "asc", limit: 200) { items { id status computeUnits tasks inputs fees disputes } } }`);
  return r.models.items;
}

