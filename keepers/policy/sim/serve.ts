import { accrue, convict, decide, terms, type TaskTerms } from "./market.js";
import { bps } from "./params.js";
import { isActive, lockBond, slash, unlockBond, type KeeperPool } from "./registry.js";
import { binomial, multinomial, pick } from "./rng.js";
import { serviceCost, type Keeper, type PostBatch, type World } from "./world.js";

/** One keeper's claims on a batch: `open` when it took tasks its assignee left, then what became of them. */
export type Claim = { keeper: string; count: number; open: boolean; lapsed: number; canaries: number; challenged: number; passedLies: number };
export type Served = { batch: PostBatch; terms: TaskTerms; claims: Claim[]; expired: number };
/** What the epoch's service produced, for the metrics and the outcome. */
export type ServiceTotals = { tasks: bigint; fees: bigint; disputes: bigint; usefulCU: bigint };

const active = (w: World, k: Keeper) => isActive(w.registry.get(k.address)!, w.params.minStake);
/** Active keepers serving each model (stable through an epoch's claims: only slashes come later). */
function servingByModel(w: World): Map<number, Keeper[]> {
  const out = new Map(w.scenario.models.map((m) => [m.id, [] as Keeper[]]));
  for (const k of w.keepers) if (active(w, k)) for (const m of k.pop.models) out.get(m)!.push(k);
  return out;
}

/**
 * The stake-weighted draw of TaskMarket._assignee, in bulk: each batch's assignees among the
 * active keepers serving its model, each weighing its pool stake + 1 (KeeperRegistry._weight).
 */
export function drawAssignees(w: World, batches: readonly PostBatch[]): Map<string, number>[] {
  const serving = servingByModel(w);
  const weights = new Map([...serving].map(([m, ks]) => [m, ks.map((k) => Number(w.registry.get(k.address)!.stake) + 1)]));
  return batches.map((b) => {
    const ks = serving.get(b.modelId)!;
    const counts = multinomial(w.rng, b.count, weights.get(b.modelId)!);
    return new Map(ks.map((k, i) => [k.address, counts[i]!] as const).filter(([, n]) => n > 0));
  });
}

/** Tasks of `t` a keeper can still claim: bonded by its free stake (KeeperRegistry.lockBond) and within its CU per epoch. */
function capacity(p: KeeperPool, k: Keeper, t: TaskTerms, usedCU: Map<string, number>, n: number): number {
  const byCU = Math.floor((k.pop.throughputCU - (usedCU.get(k.address) ?? 0)) / Number(t.computeUnits));
  const byBond = t.bond === 0n ? n : Number((p.stake - p.locked) / t.bond);
  return Math.max(0, Math.min(n, byCU, byBond));
}

/**
 * Serves an epoch's posted batches, in the order the chain does: every task is claimed (its
 * assignee first, bond locked; what it cannot take goes to the first eligible keepers with room
 * after the assign window; the rest expires), then lies are convicted (canaries) or lost in a
 * dispute, griefers' challenges are lost, no-shows' claims lapse, and the rest finalizes.
 * `assigned[i]` gives batch i's assignees (the chain's, in replay; else drawn).
 */
export function serveEpoch(w: World, epoch: bigint, batches: PostBatch[], assigned: Map<string, number>[], gain: Map<string, bigint>): { served: Served[]; totals: ServiceTotals } {
  const usedCU = new Map<string, number>();
  const serving = servingByModel(w);
  const served: Served[] = batches.map((batch, i) => {
    const t = terms(w.params, batch.fee, batch.computeUnits);
    const claims: Claim[] = [];
    const take = (k: Keeper, n: number, open: boolean) => {
      const p = w.registry.get(k.address)!;
      const m = capacity(p, k, t, usedCU, n);
      if (m === 0) return 0;
      lockBond(p, t.bond * BigInt(m));
      usedCU.set(k.address, (usedCU.get(k.address) ?? 0) + m * Number(t.computeUnits));
      claims.push({ keeper: k.address, count: m, open, lapsed: 0, canaries: 0, challenged: 0, passedLies: 0 });
      return m;
    };
    let open = 0;
    for (const [address, n] of assigned[i]!) {
      const k = w.byAddress.get(address)!;
      open += n - (active(w, k) ? take(k, n, false) : 0);
    }
    for (const k of serving.get(batch.modelId)!) if (open > 0) open -= take(k, open, true);
    return { batch, terms: t, claims, expired: open };
  });
  const totals: ServiceTotals = { tasks: 0n, fees: 0n, disputes: 0n, usefulCU: 0n };
  const add = (who: string, amount: bigint) => gain.set(who, (gain.get(who) ?? 0n) + amount);
  const { canaryBps, watchBps } = w.scenario.detection;
  for (const s of served) {
    for (const c of s.claims) {
      const k = w.byAddress.get(c.keeper)!;
      const rate = k.pop.rateBps / 10_000;
      if (k.pop.behavior === "noShow") c.lapsed = binomial(w.rng, c.count, rate);
      if (k.pop.behavior === "liar" || k.pop.behavior === "lazy") {
        const wrong = binomial(w.rng, c.count, rate);
        c.canaries = binomial(w.rng, wrong, canaryBps / 10_000);
        c.challenged = binomial(w.rng, wrong - c.canaries, watchBps / 10_000);
        c.passedLies = wrong - c.canaries - c.challenged;
      }
      add(c.keeper, -serviceCost(k, s.batch, c.count, c.canaries + c.challenged + c.passedLies));
      for (let j = 0; j < c.canaries; j++) add(c.keeper, -convict(w.market, w.registry, c.keeper, s.terms));
    }
  }
  for (const s of served) {
    const t = s.terms;
    for (const c of s.claims) {
      const p = w.registry.get(c.keeper)!;
      for (let j = 0; j < c.lapsed; j++) {
        const penalty = bps(t.bond, w.params.livenessPenaltyBps);
        if (penalty !== 0n) add(c.keeper, -slash(p, penalty, t.bond));
        unlockBond(p, t.bond - penalty);
      }
      for (let j = 0; j < c.challenged; j++) dispute(w, epoch, s, serving, c.keeper, false, add, totals);
      const finalized = c.count - c.lapsed - c.canaries - c.challenged;
      if (finalized === 0) continue;
      unlockBond(p, t.bond * BigInt(finalized));
      accrue(w.market, c.keeper, t, BigInt(finalized));
      add(c.keeper, t.pay * BigInt(finalized));
      totals.tasks += BigInt(finalized);
      totals.fees += t.fee * BigInt(finalized);
      if (s.batch.pop.entity === null) totals.usefulCU += t.computeUnits * BigInt(finalized - c.passedLies);
    }
  }
  grief(w, epoch, served, serving, add, totals);
  return { served, totals };
}

/** A dispute over one task of `s` submitted by `submitter`, decided by a full honest jury. */
function dispute(
  w: World, epoch: bigint, s: Served, serving: Map<number, Keeper[]>, submitter: string, submitterWins: boolean,
  add: (who: string, v: bigint) => void, totals: ServiceTotals, challenger?: string,
) {
  const others = serving.get(s.batch.modelId)!.filter((k) => k.address !== submitter && k.address !== challenger);
  const weights = others.map((k) => Number(w.registry.get(k.address)!.stake) + 1);
  if (!challenger) {
    const i = pick(w.rng, weights);
    if (i < 0) return;
    challenger = others[i]!.address;
    weights[i] = 0;
  }
  if (!lockBond(w.registry.get(challenger)!, s.terms.bond > w.params.challengeBond ? s.terms.bond : w.params.challengeBond)) return;
  const jurors: string[] = [];
  for (let j = 0; j < Number(w.params.jurySize); j++) {
    const i = pick(w.rng, weights);
    if (i < 0) break;
    jurors.push(others[i]!.address);
    weights[i] = 0;
  }
  const settled = submitterWins; // a griefed task was finalized with the others
  const v = decide(w.market, w.registry, w.pool, epoch, { submitter, challenger, submitterWins, jurors, settled }, s.terms);
  const [winner, loser] = submitterWins ? [submitter, challenger] : [challenger, submitter];
  add(loser, -v.slashed);
  add(winner, v.toWinner);
  for (const j of jurors) add(j, v.perJuror);
  totals.disputes += 1n;
  if (settled) return;
  add(winner, s.terms.pay);
  totals.tasks += 1n;
  totals.fees += s.terms.fee;
  if (s.batch.pop.entity === null) totals.usefulCU += s.terms.computeUnits;
}

/** Griefers challenge a share of other keepers' finalized tasks and lose each dispute. */
function grief(w: World, epoch: bigint, served: Served[], serving: Map<number, Keeper[]>, add: (who: string, v: bigint) => void, totals: ServiceTotals) {
  for (const g of w.keepers.filter((k) => k.pop.behavior === "griefer" && active(w, k))) {
    for (const s of served) {
      for (const c of s.claims) {
        if (c.keeper === g.address) continue;
        const n = binomial(w.rng, c.count - c.lapsed - c.canaries - c.challenged, g.pop.rateBps / 10_000);
        for (let j = 0; j < n; j++) dispute(w, epoch, s, serving, c.keeper, true, add, totals, g.address);
      }
    }
  }
}
