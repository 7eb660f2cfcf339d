import { BPS, MAX_MULTIPLIER_BPS, MAX_STEP_BPS, MIN_MULTIPLIER_BPS, TOKEN_CAP, YEAR_ONE_BUDGET, epochsPerYear, min, type Params } from "./params.js";

/** One contributor's work entry of an epoch (EmissionMath.packWork), and whether it claimed. */
export type Work = { units: bigint; zeroFeeUnits: bigint; backing: bigint; claimed: boolean };
/** The paid-work or faucet state of an epoch (EmissionPool.EpochState). */
type EpochState = { amount: bigint; unclaimedAmount: bigint; unclaimedUnits: bigint };
/** `backing`: the paid work's total backing (EmissionPool's Counts.backing). */
type Epoch = { paid: EpochState; faucet: EpochState; backing: bigint; work: Map<string, Work> };
type Proposal = { multiplierBps: bigint; minFeePerCU: bigint };

/** What closing an epoch did (EmissionPool.EpochClosed). */
export type Closed = { epoch: bigint; baseline: bigint; multiplierBps: bigint; amount: bigint; totalWork: bigint };

/** EmissionPool's state, mirrored in bigint. `supply` is PAR minted by the pool (its only minter). */
export type PoolState = {
  params: Params;
  perYear: bigint;
  nextEpoch: bigint;
  lastMultiplierBps: bigint;
  remaining: bigint;
  year: bigint;
  outstanding: bigint;
  yearBudget: bigint;
  supply: bigint;
  epochs: Map<bigint, Epoch>;
  proposals: Map<bigint, Proposal>;
};

const emptyState = (): EpochState => ({ amount: 0n, unclaimedAmount: 0n, unclaimedUnits: 0n });

export function createPool(params: Params): PoolState {
  return {
    params, perYear: epochsPerYear(params), nextEpoch: 0n, lastMultiplierBps: BPS, remaining: YEAR_ONE_BUDGET,
    year: 0n, outstanding: 0n, yearBudget: YEAR_ONE_BUDGET, supply: 0n, epochs: new Map(), proposals: new Map(),
  };
}

function epochOf(pool: PoolState, epoch: bigint): Epoch {
  let e = pool.epochs.get(epoch);
  if (!e) pool.epochs.set(epoch, (e = { paid: emptyState(), faucet: emptyState(), backing: 0n, work: new Map() }));
  return e;
}

/** EmissionPool._addWork (creditWork, settleWork): entries keep the order of their first credit. */
export function addWork(pool: PoolState, epoch: bigint, who: string, units: bigint, zeroFeeUnits: bigint, backing: bigint) {
  const e = epochOf(pool, epoch);
  e.paid.unclaimedUnits += units;
  e.faucet.unclaimedUnits += zeroFeeUnits;
  e.backing += backing;
  const w = e.work.get(who);
  if (w) {
    w.units += units;
    w.zeroFeeUnits += zeroFeeUnits;
    w.backing += backing;
  } else e.work.set(who, { units, zeroFeeUnits, backing, claimed: false });
}

/** EmissionPool.proposePolicy (the caller checks that `epoch` is in the future). */
export function proposePolicy(pool: PoolState, epoch: bigint, multiplierBps: bigint, minFeePerCU: bigint) {
  pool.proposals.set(epoch, { multiplierBps, minFeePerCU });
}

/** EmissionPool.minFeePerCU during `epoch`: the proposal within [floor, ceiling], else the floor. */
export function minFeePerCU(pool: PoolState, epoch: bigint): bigint {
  const p = pool.proposals.get(epoch);
  const { minFeePerCUFloor: floor, minFeePerCUCeiling: ceiling } = pool.params;
  if (!p || p.minFeePerCU < floor) return floor;
  return p.minFeePerCU > ceiling ? ceiling : p.minFeePerCU;
}

/** EmissionMath.clampMultiplier. */
export function clampMultiplier(proposed: bigint, previous: bigint): bigint {
  let lo = (previous * (BPS - MAX_STEP_BPS)) / BPS;
  let hi = (previous * (BPS + MAX_STEP_BPS)) / BPS;
  if (lo < MIN_MULTIPLIER_BPS) lo = MIN_MULTIPLIER_BPS;
  if (hi > MAX_MULTIPLIER_BPS) hi = MAX_MULTIPLIER_BPS;
  return proposed < lo ? lo : proposed > hi ? hi : proposed;
}

/**
 * EmissionPool.closeEpoch: the next epoch's amount, allocated to its zero-fee work (the faucet:
 * at most zeroFeeBudget × the applied multiplier / 10,000, so the policy steers it) and the rest
 * to its paid work.
 */
export function closeEpoch(pool: PoolState): Closed {
  const epoch = pool.nextEpoch;
  const p = pool.proposals.get(epoch);
  const multiplierBps = clampMultiplier(p ? p.multiplierBps : BPS, pool.lastMultiplierBps);
  const baseline = pool.remaining / (pool.perYear - (epoch % pool.perYear));
  let amount = min((baseline * multiplierBps) / BPS, pool.remaining);
  const e = epochOf(pool, epoch);
  const paidWork = e.paid.unclaimedUnits;
  const zeroFeeWork = e.faucet.unclaimedUnits;
  const faucetCap = (pool.params.zeroFeeBudget * multiplierBps) / BPS;
  const toFaucet = zeroFeeWork === 0n ? 0n : min(amount, faucetCap);
  const toWork = paidWork === 0n ? 0n : amount - toFaucet;
  amount = toFaucet + toWork;
  if (amount !== 0n) {
    e.paid.amount = e.paid.unclaimedAmount = toWork;
    e.faucet.amount = e.faucet.unclaimedAmount = toFaucet;
    pool.outstanding += amount;
  }
  pool.remaining -= amount;
  pool.nextEpoch = epoch + 1n;
  pool.lastMultiplierBps = multiplierBps;
  pool.proposals.delete(epoch);
  if (pool.nextEpoch % pool.perYear === 0n) startYear(pool);
  return { epoch, baseline, multiplierBps, amount, totalWork: paidWork + zeroFeeWork };
}

/** EmissionPool._startYear. */
function startYear(pool: PoolState) {
  const budget = (pool.yearBudget * pool.params.yearDecayBps) / BPS;
  const used = pool.supply + pool.outstanding;
  const headroom = TOKEN_CAP > used ? TOKEN_CAP - used : 0n;
  pool.year += 1n;
  pool.remaining = min(pool.remaining + budget, headroom);
  pool.yearBudget = budget;
}

/**
 * EmissionPool.claim(epoch, epoch) by `who`: its share of the unclaimed paid work and faucet
 * amounts (so the last claimant takes the dust), the paid-work part capped at its backing, the
 * whole capped at maxShareBps of what the epoch can pay (its faucet, and its paid-work amount as
 * far as the paid work's backing reaches) during bootstrap; the excess rolls back to the budget.
 * Returns what is minted to it (0 when it has no unclaimed work).
 */
export function claim(pool: PoolState, epoch: bigint, who: string): bigint {
  if (epoch >= pool.nextEpoch) throw new Error(`epoch ${epoch} is not closed`);
  const e = pool.epochs.get(epoch);
  const w = e?.work.get(who);
  if (!e || !w || w.claimed) return 0n;
  w.claimed = true;
  const fromWork = w.units === 0n ? 0n : (e.paid.unclaimedAmount * w.units) / e.paid.unclaimedUnits;
  const fromFaucet = w.zeroFeeUnits === 0n ? 0n : (e.faucet.unclaimedAmount * w.zeroFeeUnits) / e.faucet.unclaimedUnits;
  const backed = min(fromWork, w.backing);
  const capBps = epoch < pool.params.bootstrapEpochs ? pool.params.maxShareBps : BPS;
  const limit = ((min(e.paid.amount, e.backing) + e.faucet.amount) * capBps) / BPS; // a share of what the epoch can pay
  const share = backed + fromFaucet;
  const paid = min(share, limit);
  const excess = share - paid + (fromWork - backed);
  if (w.units !== 0n) {
    e.paid.unclaimedAmount -= fromWork;
    e.paid.unclaimedUnits -= w.units;
  }
  if (w.zeroFeeUnits !== 0n) {
    e.faucet.unclaimedAmount -= fromFaucet;
    e.faucet.unclaimedUnits -= w.zeroFeeUnits;
  }
  pool.outstanding -= paid + excess;
  pool.remaining += excess;
  pool.supply += paid;
  return paid;
}

/** Contributors credited in `epoch`, in the order of their first credit. */
export const contributorsOf = (pool: PoolState, epoch: bigint): string[] => [...(pool.epochs.get(epoch)?.work.keys() ?? [])];

/** Paid plus zero-fee units credited to `epoch` (before any claim). */
export function workOf(pool: PoolState, epoch: bigint): bigint {
  const e = pool.epochs.get(epoch);
  return e ? e.paid.unclaimedUnits + e.faucet.unclaimedUnits : 0n;
}

/** Frees a fully claimed epoch's memory (the simulator claims every epoch right after it closes). */
export const forget = (pool: PoolState, epoch: bigint) => pool.epochs.delete(epoch);
