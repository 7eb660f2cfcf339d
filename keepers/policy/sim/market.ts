import { WORK_PER_CU, bps, max, type Params } from "./params.js";
import { addWork, type PoolState } from "./pool.js";
import { poolOf, slash, submitterSlash, unlockBond, type Registry } from "./registry.js";

/** What the market accrues for a keeper until `flush` (TaskMarketBase.Account). */
type Account = { pay: bigint; protocol: bigint; credit: bigint; zeroFeeCredit: bigint };

export type MarketState = {
  params: Params;
  /** Zero-fee usage per requester (TaskMarketBase.Requester). */
  zeroFee: Map<string, { start: bigint; count: bigint }>;
  /** Accounts with work of the current epoch, in the order of their first accrual. */
  accounts: Map<string, Account>;
  protocolFees: bigint;
};

export const createMarket = (params: Params): MarketState => ({ params, zeroFee: new Map(), accounts: new Map(), protocolFees: 0n });

/** A task's economics: bond (TaskLib.bond), protocol fee and keeper pay (_split), work (TaskLib.work). */
export type TaskTerms = { fee: bigint; computeUnits: bigint; bond: bigint; protocol: bigint; pay: bigint; work: bigint };

export function terms(p: Params, fee: bigint, computeUnits: bigint): TaskTerms {
  const bond = fee === 0n ? 0n : max((fee * p.bondMultiplierBps) / 10_000n, p.challengeBond);
  const protocol = bps(fee, p.protocolFeeBps);
  return { fee, computeUnits, bond, protocol, pay: fee - protocol, work: computeUnits * (fee === 0n ? p.zeroFeeCreditBps : WORK_PER_CU) };
}

/** TaskMarketBase._open's fee floor: a paid task pays at least minFeePerCU × CU. */
export const meetsFloor = (fee: bigint, computeUnits: bigint, minFeePerCU: bigint) => fee === 0n || fee >= minFeePerCU * computeUnits;

/**
 * TaskMarketBase._useZeroFee: counts `items` zero-fee inputs of `requester` posted at `time`;
 * returns how many of `wanted` posts of `items` each the rate limit lets through (`limit`: a
 * group of addresses posting as one has the sum of their limits).
 */
export function useZeroFee(m: MarketState, requester: string, items: bigint, wanted: bigint, time: bigint, limit = m.params.zeroFeeLimit): bigint {
  let r = m.zeroFee.get(requester);
  if (!r) m.zeroFee.set(requester, (r = { start: 0n, count: 0n }));
  if (time >= r.start + m.params.zeroFeePeriod) (r.start = time), (r.count = 0n);
  const room = (limit - r.count) / items;
  const taken = room < wanted ? (room > 0n ? room : 0n) : wanted;
  r.count += taken * items;
  return taken;
}

/** TaskMarketBase._accrue for `count` finalized tasks of `t` served by `keeper`. */
export function accrue(m: MarketState, keeper: string, t: TaskTerms, count: bigint) {
  let a = m.accounts.get(keeper);
  if (!a) m.accounts.set(keeper, (a = { pay: 0n, protocol: 0n, credit: 0n, zeroFeeCredit: 0n }));
  a.pay += t.pay * count;
  a.protocol += t.protocol * count;
  if (t.fee === 0n) a.zeroFeeCredit += t.work * count;
  else a.credit += t.work * count;
}

/**
 * TaskMarketExtension.flush of every account, in accrual order: work settles in the pool's
 * `epoch` backed by backingBps of its protocol fees (the pay goes to the keepers' pools).
 */
export function flush(m: MarketState, pool: PoolState, epoch: bigint) {
  for (const [keeper, a] of m.accounts) {
    m.protocolFees += a.protocol;
    if (a.credit !== 0n || a.zeroFeeCredit !== 0n) addWork(pool, epoch, keeper, a.credit, a.zeroFeeCredit, bps(a.protocol, m.params.backingBps));
  }
  m.accounts.clear();
}

/** TaskCourt.convict: a canary lie slashed without a jury (to the burn address), the task refunded. */
export function convict(m: MarketState, reg: Registry, liar: string, t: TaskTerms): bigint {
  const p = poolOf(reg, liar);
  const amount = submitterSlash(t.bond, p, m.params.slashBps);
  return amount === 0n ? 0n : slash(p, amount, t.bond);
}

/** What a resolved dispute moved (TaskCourt._decide). */
export type Verdict = { slashed: bigint; toWinner: bigint; perJuror: bigint };

/**
 * TaskCourt._decide for a dispute that every juror of `jurors` (all revealing with the majority)
 * decides for `winner`: the loser is slashed (a lying submitter max(bond, slashBps of its stake),
 * a wrong challenger its bond), the slash split between winner, jurors and burn, the task settled
 * to the winner (`settled`: the caller already accrued it and released its bond), and each juror
 * credited its share of the task's work in `epoch`.
 */
export function decide(
  m: MarketState, reg: Registry, pool: PoolState, epoch: bigint,
  d: { submitter: string; challenger: string; submitterWins: boolean; jurors: readonly string[]; settled: boolean }, t: TaskTerms,
): Verdict {
  const p = m.params;
  const challengerBond = max(t.bond, p.challengeBond);
  let slashed: bigint;
  let winner: string;
  if (d.submitterWins) {
    if (!d.settled) unlockBond(poolOf(reg, d.submitter), t.bond);
    slashed = challengerBond === 0n ? 0n : slash(poolOf(reg, d.challenger), challengerBond, challengerBond);
    winner = d.submitter;
  } else {
    const liar = poolOf(reg, d.submitter);
    const amount = submitterSlash(t.bond, liar, p.slashBps);
    slashed = amount === 0n ? 0n : slash(liar, amount, t.bond);
    unlockBond(poolOf(reg, d.challenger), challengerBond);
    winner = d.challenger;
  }
  const toJurors = bps(slashed, p.jurorShareBps);
  const toWinner = slashed - toJurors - bps(slashed, p.burnBps);
  const n = BigInt(d.jurors.length);
  if (!d.settled) accrue(m, winner, t, 1n);
  if (n !== 0n) {
    const units = t.work / n;
    const backing = t.fee === 0n ? 0n : bps(t.protocol, p.backingBps) / n;
    for (const j of d.jurors) addWork(pool, epoch, j, t.fee === 0n ? 0n : units, t.fee === 0n ? units : 0n, backing);
  }
  return { slashed, toWinner, perJuror: n === 0n ? 0n : toJurors / n };
}
