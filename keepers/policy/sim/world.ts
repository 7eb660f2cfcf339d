import { NO_METRICS, type EpochMetrics } from "../../src/policy-io.js";
import { createMarket, meetsFloor, useZeroFee, type MarketState } from "./market.js";
import { bps, max, type Params } from "./params.js";
import { createPool, minFeePerCU, type PoolState } from "./pool.js";
import { mintShares, register, type Registry } from "./registry.js";
import { createRng, type Rng } from "./rng.js";
import type { KeeperPopulation, RequesterPopulation, Scenario } from "./scenario.js";

/** A keeper address of the simulation: `<population>:<index>`. */
export type Keeper = { address: string; pop: KeeperPopulation; entity: string; joined: number; profitEma: number };

/** Tasks one requester group posts for one model in an epoch, all alike. */
export type PostBatch = {
  /** `<population>:<index>`, or `<population>:*` for a population posting as one group */
  requester: string;
  /** distinct addresses behind it */
  addresses: number;
  pop: RequesterPopulation;
  modelId: number;
  items: bigint;
  /** compute units of one task (× items) and its fee */
  computeUnits: bigint;
  fee: bigint;
  count: number;
};

/** The whole simulated network: the contracts' state (pool, market, registry) and the agents. */
export type World = {
  scenario: Scenario;
  params: Params;
  rng: Rng;
  pool: PoolState;
  market: MarketState;
  registry: Registry;
  keepers: Keeper[];
  byAddress: Map<string, Keeper>;
  metrics: EpochMetrics[];
  /** per adversary entity, its net income: emission + fees received − fees paid − costs − slashes */
  profit: Map<string, bigint>;
  adversaries: Set<string>;
};

/** Requester populations of at most this many addresses post address by address. */
const PER_ADDRESS = 8;

export function createWorld(scenario: Scenario): World {
  const p = scenario.params;
  const adversaries = new Set<string>();
  for (const k of scenario.keepers) if (k.entity || k.behavior !== "honest") adversaries.add(k.entity ?? k.name);
  for (const r of scenario.requesters) if (r.entity) adversaries.add(r.entity);
  return {
    scenario, params: p, rng: createRng(scenario.seed), pool: createPool(p), market: createMarket(p), registry: new Map(),
    keepers: [], byAddress: new Map(), metrics: [], profit: new Map([...adversaries].map((a) => [a, 0n])), adversaries,
  };
}

/** Adds `amount` to `entity`'s profit when it is an adversary. */
export function book(w: World, entity: string | null, amount: bigint) {
  if (entity !== null && w.adversaries.has(entity)) w.profit.set(entity, w.profit.get(entity)! + amount);
}

/** Registers keeper `index` of `pop` (KeeperRegistry.register with its stake). */
function join(w: World, pop: KeeperPopulation, index: number, epoch: number) {
  const address = `${pop.name}:${index}`;
  const entity = pop.entity ?? (pop.behavior === "honest" ? address : pop.name);
  register(w.registry, address, pop.models, pop.stake);
  const k: Keeper = { address, pop, entity, joined: epoch, profitEma: 0 };
  w.keepers.push(k);
  w.byAddress.set(address, k);
}

/** Epochs a keeper stays before it may leave, and the weight of the last epoch in its profit average. */
const PATIENCE = 10;
const EMA = 0.1;

/**
 * The keepers' and delegators' moves at the start of `epoch`: populations join at their epoch,
 * elastic ones grow by one keeper while their average keeper profits and shrink by the keepers
 * that lose money (unavailable: their stake stays in the registry); delegators stake.
 */
export function moveAgents(w: World, epoch: number) {
  for (const pop of w.scenario.keepers) {
    const members = w.keepers.filter((k) => k.pop === pop);
    if (epoch === pop.joinEpoch) for (let i = 0; i < pop.count; i++) join(w, pop, i, epoch);
    if (epoch <= pop.joinEpoch || pop.maxCount === pop.count) continue;
    const active = members.filter((k) => w.registry.get(k.address)!.available);
    for (const k of active) {
      if (epoch - k.joined >= PATIENCE && k.profitEma < 0) w.registry.get(k.address)!.available = false;
    }
    const mean = active.reduce((a, k) => a + k.profitEma, 0) / Math.max(1, active.length);
    if (mean > 0 && members.length < pop.maxCount) join(w, pop, members.length, epoch);
  }
  for (const d of w.scenario.delegators) {
    if (d.epoch !== epoch) continue;
    const active = w.keepers.filter((k) => w.registry.get(k.address)!.available);
    if (active.length === 0) continue;
    if (d.target === "largest") {
      const top = active.reduce((a, k) => (w.registry.get(k.address)!.stake > w.registry.get(a.address)!.stake ? k : a));
      mintShares(w.registry, top.address, d.amount);
    } else for (const k of active) mintShares(w.registry, k.address, d.amount / BigInt(active.length));
  }
}

/** Linear interpolation of a population's model weights at `epoch`. */
function weightsAt(pop: RequesterPopulation, epoch: number): Map<number, number> {
  const pts = pop.demand;
  let i = 0;
  while (i + 1 < pts.length && pts[i + 1]!.epoch <= epoch) i++;
  const a = pts[i]!;
  const b = pts[i + 1];
  const f = b ? (epoch - a.epoch) / (b.epoch - a.epoch) : 0;
  const out = new Map<number, number>();
  for (const k of new Set([...Object.keys(a.weights), ...Object.keys(b?.weights ?? {})])) {
    out.set(Number(k), (a.weights[k] ?? 0) * (1 - f) + (b?.weights[k] ?? 0) * f);
  }
  return out;
}

/** Tasks one address of `pop` wants in `epoch`: growth, seasonality, noise. */
function wanted(w: World, pop: RequesterPopulation, epoch: number): number {
  const perYear = Number(w.pool.perYear);
  const growth = Math.pow(1 + pop.growthBps / 10_000, epoch / perYear);
  const season = pop.seasonal ? 1 + (pop.seasonal.amplitudeBps / 10_000) * Math.sin((2 * Math.PI * epoch) / pop.seasonal.periodEpochs) : 1;
  return pop.tasksPerEpoch * growth * season * (0.9 + 0.2 * w.rng());
}

/**
 * The tasks requesters post in `epoch`, as the market accepts them: a paid task pays the larger
 * of its offer and the fee floor (minFeePerCU × CU), and is not posted above its most; a
 * zero-fee task passes the requester's rate limit (posts at the epoch's start).
 */
export function postTasks(w: World, epoch: number): PostBatch[] {
  const floor = minFeePerCU(w.pool, BigInt(epoch));
  const time = BigInt(epoch) * w.params.epochLength;
  const batches: PostBatch[] = [];
  for (const pop of w.scenario.requesters) {
    if (epoch < pop.from || epoch >= pop.until) continue;
    if (pop.feePerCU > 0n && floor > pop.maxFeePerCU) continue;
    const weights = weightsAt(pop, epoch);
    const total = [...weights.values()].reduce((a, b) => a + b, 0);
    const groups = pop.count <= PER_ADDRESS ? pop.count : 1;
    const addresses = pop.count / groups;
    for (let g = 0; g < groups; g++) {
      const n = Math.round(wanted(w, pop, epoch) * addresses);
      const requester = `${pop.name}:${groups === 1 && pop.count > 1 ? "*" : g}`;
      for (const model of w.scenario.models) {
        const share = (weights.get(model.id) ?? 0) / (total || 1);
        let count = Math.round(n * share);
        if (count === 0) continue;
        const items = BigInt(pop.itemsPerTask);
        const computeUnits = BigInt(model.computeUnits) * items;
        const fee = pop.feePerCU === 0n ? 0n : max(pop.feePerCU, floor) * computeUnits;
        if (!meetsFloor(fee, computeUnits, floor)) continue;
        if (fee === 0n) {
          count = Number(useZeroFee(w.market, requester, items, BigInt(count), time, w.params.zeroFeeLimit * BigInt(addresses)));
        }
        if (count > 0) batches.push({ requester, addresses, pop, modelId: model.id, items, computeUnits, fee, count });
      }
    }
  }
  return batches;
}

/** Cost of serving `count` tasks of `cu` compute units: liars skip the wrong ones, the lazy pay a tenth, own wash tasks cost nothing. */
export function serviceCost(k: Keeper, b: PostBatch, count: number, wrong: number): bigint {
  if (b.pop.entity !== null && b.pop.entity === k.entity) return 0n;
  const cost = k.pop.costPerCU * b.computeUnits;
  if (k.pop.behavior === "lazy") return bps(cost, 1_000n) * BigInt(count);
  return cost * BigInt(count - wrong);
}

export const lastMetrics = (w: World, back: number) => w.metrics[w.metrics.length - back] ?? NO_METRICS;
