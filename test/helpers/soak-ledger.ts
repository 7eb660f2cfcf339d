/**
 * The soak's accounting, from the chain's views and events (never from what keepers say):
 * what each party holds, what each did, what a requester should have paid, and what a no-show
 * may lose.
 */
import type { Address } from "viem";
import { named, type ChainEvent } from "./soak-events.js";
import type { Posted } from "./soak-load.js";
import type { SdkChain } from "./sdk-chain.js";

const key = (a: string) => a.toLowerCase();

/**
 * All the PAR `address` holds or is owed: its wallet, its market deposit, and as a keeper its own
 * position in its pool (stake, unbonding stake, claimable rewards) and the pay its market account
 * holds for that pool. (No account is flushed during a soak: the emission epoch is an hour, so no
 * reward is still streaming to the pool when it is read.)
 */
async function holdingsOf(fx: SdkChain, address: Address, keeper: boolean): Promise<bigint> {
  const [wallet, deposit] = await Promise.all([fx.token.read.balanceOf([address]), fx.market.read.depositOf([address])]);
  if (!keeper) return wallet + deposit;
  const [position, [pay]] = await Promise.all([fx.keepers.read.positionOf([address, address]), fx.market.read.accountOf([address])]);
  return wallet + deposit + position.stake + position.unbonding + position.rewards + pay;
}

/** Holdings of each account (lower-case address → PAR base units). */
export async function snapshot(fx: SdkChain, accounts: { address: Address; keeper: boolean }[]): Promise<Map<string, bigint>> {
  const held = await Promise.all(accounts.map((a) => holdingsOf(fx, a.address, a.keeper)));
  return new Map(accounts.map((a, i) => [key(a.address), held[i]]));
}

/** Task ids each address took part in: tasks it claimed or challenged, and juries it sat on. */
export function tasksHandled(events: ChainEvent[]): Map<string, Set<bigint>> {
  const handled = new Map<string, Set<bigint>>();
  const add = (who: string, id: bigint) => handled.set(key(who), (handled.get(key(who)) ?? new Set()).add(id));
  for (const e of named(events, "TaskClaimed")) add(e.args.keeper, e.args.id);
  for (const e of named(events, "TaskChallenged")) add(e.args.challenger, e.args.id);
  for (const e of named(events, "JuryDrawn")) for (const j of e.args.jurors) add(j, e.args.id);
  return handled;
}

/**
 * What each requester should have spent: the fees of its tasks that finalized (all with the true
 * result: checked apart), less the liveness penalties its tasks' lapsed or expired claims paid it.
 * Refunded and expired tasks cost nothing.
 */
export function expectedSpend(events: ChainEvent[], posted: Posted[]): Map<string, bigint> {
  const byId = new Map(posted.map((p) => [p.id, p]));
  const spend = new Map<string, bigint>();
  const add = (id: bigint, amount: bigint) => {
    const r = key(byId.get(id)!.requester);
    spend.set(r, (spend.get(r) ?? 0n) + amount);
  };
  for (const e of named(events, "TaskFinalized")) add(e.args.id, byId.get(e.args.id)!.fee);
  for (const e of named(events, "ClaimLapsed")) add(e.args.id, 0n - (e.args.penalty as bigint));
  for (const e of named(events, "TaskExpired")) add(e.args.id, 0n - (e.args.penalty as bigint));
  return spend;
}

/**
 * Penalties each keeper paid without being slashed for a result: the liveness penalty of its
 * lapsed or expired claims, and the juror penalty of a seat where it did not reveal (or voted
 * with the minority).
 */
export function penaltiesPaid(events: ChainEvent[]): Map<string, bigint> {
  const paid = new Map<string, bigint>();
  const add = (who: string, amount: bigint) => paid.set(key(who), (paid.get(key(who)) ?? 0n) + amount);
  const claimant = new Map<bigint, string>();
  for (const e of events) {
    if (e.name === "TaskClaimed") claimant.set(e.args.id, e.args.keeper);
    if (e.name === "ClaimLapsed") add(e.args.keeper, e.args.penalty);
    if (e.name === "TaskExpired" && e.args.penalty > 0n) add(claimant.get(e.args.id)!, e.args.penalty);
    if (e.name === "JurorPenalized") add(e.args.juror, e.args.amount);
  }
  return paid;
}

/** PAR each address gained (negative: lost) between two snapshots. */
export function gains(before: Map<string, bigint>, after: Map<string, bigint>): Map<string, bigint> {
  return new Map([...before].map(([a, b]) => [a, after.get(a)! - b]));
}

/** Total gain and tasks handled by a group of addresses, and the gain per task handled (PAR base units). */
export function perTask(addresses: string[], gained: Map<string, bigint>, handled: Map<string, Set<bigint>>) {
  const gain = addresses.reduce((s, a) => s + gained.get(key(a))!, 0n);
  const tasks = addresses.reduce((n, a) => n + (handled.get(key(a))?.size ?? 0), 0);
  return { gain, tasks, perTask: tasks === 0 ? 0 : Number(gain) / tasks };
}
