import { BPS, max, min } from "./params.js";

/** A keeper's pool in KeeperRegistry: stake (bonds included), locked bonds, shares, unbonding. */
export type KeeperPool = {
  stake: bigint;
  locked: bigint;
  totalShares: bigint;
  unbonding: bigint;
  available: boolean;
  models: readonly number[];
};

export type Registry = Map<string, KeeperPool>;

/** KeeperRegistry.register (attested: no attestor, or already attested). */
export function register(reg: Registry, keeper: string, models: readonly number[], stake: bigint) {
  if (reg.has(keeper)) throw new Error(`${keeper} is already registered`);
  reg.set(keeper, { stake: 0n, locked: 0n, totalShares: 0n, unbonding: 0n, available: true, models });
  if (stake > 0n) mintShares(reg, keeper, stake);
}

/** PoolMath.sharesForDeposit. */
const sharesFor = (amount: bigint, p: KeeperPool) => (p.totalShares === 0n ? amount : (amount * p.totalShares) / p.stake);

/** KeeperRegistry._mintShares: addStake, delegate. */
export function mintShares(reg: Registry, keeper: string, amount: bigint) {
  const p = poolOf(reg, keeper);
  const shares = sharesFor(amount, p);
  if (shares === 0n) throw new Error(`a deposit of ${amount} into ${keeper}'s pool mints no shares`);
  p.stake += amount;
  p.totalShares += shares;
}

/**
 * KeeperRegistry.vest: claimed emission becomes the keeper's own stake; when the pool cannot
 * take it (no shares for it) it is paid out instead. Returns whether it was staked.
 */
export function vest(reg: Registry, keeper: string, amount: bigint): boolean {
  if (amount === 0n) return false;
  const p = poolOf(reg, keeper);
  if (sharesFor(amount, p) === 0n) return false;
  mintShares(reg, keeper, amount);
  return true;
}

/** KeeperRegistry.isActive (minStake against the pool stake). */
export const isActive = (p: KeeperPool, minStake: bigint) => p.available && p.stake >= minStake;

/** KeeperRegistry.lockBond; false where free stake falls short (the claim reverts). */
export function lockBond(p: KeeperPool, amount: bigint): boolean {
  if (amount > p.stake - p.locked) return false;
  p.locked += amount;
  return true;
}

/** KeeperRegistry._unlock. */
export function unlockBond(p: KeeperPool, amount: bigint) {
  p.locked = amount < p.locked ? p.locked - amount : 0n;
}

/** DisputeLib.submitterSlash: max(bond, (stake + unbonding) × slashBps). */
export const submitterSlash = (bond: bigint, p: KeeperPool, slashBps: bigint) => max(bond, ((p.stake + p.unbonding) * slashBps) / BPS);

/** KeeperRegistry.slash with PoolMath.slashSources: the case's bond, then free and unbonding stake pro rata. */
export function slash(p: KeeperPool, amount: bigint, bond: bigint): bigint {
  const free = p.stake - p.locked;
  let fromLocked = min(amount, min(bond, p.locked));
  const rest = amount - fromLocked;
  const available = free + p.unbonding;
  const [fromFree, fromUnbonding] = rest >= available ? [free, p.unbonding] : [rest - (rest * p.unbonding) / available, (rest * p.unbonding) / available];
  const short = amount - fromLocked - fromFree - fromUnbonding;
  if (short !== 0n) fromLocked += min(short, p.locked - fromLocked);
  const slashed = fromLocked + fromFree + fromUnbonding;
  p.stake -= fromLocked + fromFree;
  p.locked -= fromLocked;
  p.unbonding -= fromUnbonding;
  if (p.stake === 0n) p.totalShares = 0n; // _endShareEra
  return slashed;
}

/** Σ stake² / (Σ stake)² of all pools, in bps (network-metrics `concentration`). */
export function herfindahlBps(reg: Registry): bigint {
  let total = 0n;
  let squares = 0n;
  for (const p of reg.values()) {
    total += p.stake;
    squares += p.stake * p.stake;
  }
  return total === 0n ? 0n : (squares * BPS) / (total * total);
}

export function poolOf(reg: Registry, keeper: string): KeeperPool {
  const p = reg.get(keeper);
  if (!p) throw new Error(`${keeper} is not a registered keeper`);
  return p;
}
