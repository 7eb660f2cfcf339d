import { readFileSync } from "node:fs";
import { DEPLOYED, PAR, epochsPerYear, type Params } from "./params.js";

/** Behaviour of a keeper population (adversaries: all but "honest"). */
export const BEHAVIORS = ["honest", "liar", "lazy", "noShow", "griefer"] as const;
export type Behavior = (typeof BEHAVIORS)[number];

/** A point of a requester population's demand curve: model weights from `epoch` on (interpolated linearly). */
export type DemandPoint = { epoch: number; weights: Record<string, number> };

export type RequesterPopulation = {
  name: string;
  /** distinct addresses */
  count: number;
  /** tasks each address wants per epoch at the start */
  tasksPerEpoch: number;
  itemsPerTask: number;
  demand: DemandPoint[];
  /** demand growth per year of epochs, compounded per epoch */
  growthBps: number;
  seasonal: { periodEpochs: number; amplitudeBps: number } | null;
  /** PAR per CU offered (0: zero-fee tasks), and the most it pays when the fee floor is higher */
  feePerCU: bigint;
  maxFeePerCU: bigint;
  from: number;
  until: number;
  /** an adversary entity posting to itself (wash trading, sybil self-demand); null: real demand */
  entity: string | null;
};

export type KeeperPopulation = {
  name: string;
  count: number;
  /** joins while keeping one pays, up to maxCount; leaves when it stops paying */
  maxCount: number;
  joinEpoch: number;
  stake: bigint;
  models: number[];
  throughputCU: number;
  costPerCU: bigint;
  behavior: Behavior;
  /** liar, lazy: share of answers that are wrong; noShow: share of claims left to lapse; griefer: share of others' tasks challenged */
  rateBps: number;
  /** one entity for the whole population (a sybil, a cartel); null: honest keepers are their own entities, adversaries one per population */
  entity: string | null;
};

export type Delegation = { name: string; epoch: number; amount: bigint; target: "largest" | "spread" };

export type Scenario = {
  name: string;
  epochs: number;
  seed: number;
  params: Params;
  models: { id: number; computeUnits: number }[];
  requesters: RequesterPopulation[];
  keepers: KeeperPopulation[];
  delegators: Delegation[];
  /** share of a lie that is a canary (convicted without a jury), and the chance a watchtower challenges any other lie */
  detection: { canaryBps: number; watchBps: number };
};

type Obj = Record<string, unknown>;

/** Reads and validates a scenario file. */
export function loadScenario(file: string): Scenario {
  return parseScenario(JSON.parse(readFileSync(file, "utf8")));
}

/** Validates a parsed scenario, throwing `scenario "<name>": <path> must be …, got …` at the first wrong field. */
export function parseScenario(raw: unknown): Scenario {
  const name = typeof (raw as Obj)?.name === "string" ? ((raw as Obj).name as string) : "?";
  const fail = (path: string, expected: string, got: unknown): never => {
    throw new Error(`scenario "${name}": ${path} must be ${expected}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  const obj = (v: unknown, path: string): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : fail(path, "an object", v));
  const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, "an array", v));
  const int = (o: Obj, key: string, path: string, lo: number, hi: number, dflt?: number): number => {
    const v = o[key] ?? dflt;
    return Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi ? (v as number) : fail(`${path}${key}`, `an integer in [${lo}, ${hi}]`, v);
  };
  const str = (o: Obj, key: string, path: string, dflt?: string): string => {
    const v = o[key] ?? dflt;
    return typeof v === "string" && v.length > 0 ? v : fail(`${path}${key}`, "a non-empty string", v);
  };
  const par = (o: Obj, key: string, path: string, dflt?: string): bigint => {
    const v = o[key] ?? dflt;
    const m = typeof v === "string" ? /^(\d+)(?:\.(\d{1,8}))?$/.exec(v) : null;
    if (!m) return fail(`${path}${key}`, 'a PAR amount string such as "12.5" (at most 8 decimals)', v);
    return BigInt(m[1]!) * PAR + BigInt((m[2] ?? "").padEnd(8, "0"));
  };
  const r = obj(raw, "the scenario");
  str(r, "name", "");
  const epochs = int(r, "epochs", "", 1, 100_000);
  const seed = int(r, "seed", "", 0, 2 ** 32 - 1);

  const po = obj(r.params ?? {}, "params");
  const params: Params = { ...DEPLOYED };
  for (const [k, v] of Object.entries(po)) {
    if (!(k in DEPLOYED)) fail(`params.${k}`, `one of ${Object.keys(DEPLOYED).join(", ")}`, k);
    if (typeof v !== "string" || !/^\d+$/.test(v)) fail(`params.${k}`, "a non-negative integer string (base units, seconds or bps)", v);
    params[k as keyof Params] = BigInt(v as string);
  }
  if (params.epochLength < 60n || params.epochLength > 365n * 86_400n) fail("params.epochLength", "in [60, 31536000]", String(params.epochLength));
  if (po.bootstrapEpochs === undefined) params.bootstrapEpochs = epochsPerYear(params);

  const models = arr(r.models, "models").map((m, i) => {
    const o = obj(m, `models[${i}]`);
    return { id: int(o, "id", `models[${i}].`, 1, 2 ** 32 - 1), computeUnits: int(o, "computeUnits", `models[${i}].`, 1, 2 ** 32 - 1) };
  });
  if (models.length === 0) fail("models", "a non-empty array", []);
  const modelIds = new Set(models.map((m) => m.id));
  const modelRef = (v: unknown, path: string) => (modelIds.has(Number(v)) ? Number(v) : fail(path, `a model id of models (${[...modelIds].join(", ")})`, v));

  const requesters = arr(r.requesters, "requesters").map((q, i): RequesterPopulation => {
    const at = `requesters[${i}].`;
    const o = obj(q, `requesters[${i}]`);
    const demand = arr(o.demand, `${at}demand`).map((d, j) => {
      const dd = obj(d, `${at}demand[${j}]`);
      const w = obj(dd.weights, `${at}demand[${j}].weights`);
      for (const [k, v] of Object.entries(w)) {
        modelRef(k, `${at}demand[${j}].weights.${k}`);
        int(w, k, `${at}demand[${j}].weights.`, 0, 1_000_000);
      }
      return { epoch: int(dd, "epoch", `${at}demand[${j}].`, 0, epochs), weights: w as Record<string, number> };
    });
    if (demand.length === 0 || demand[0]!.epoch !== 0) fail(`${at}demand`, "a non-empty array starting at epoch 0", o.demand);
    const s = o.seasonal === undefined || o.seasonal === null ? null : obj(o.seasonal, `${at}seasonal`);
    const feePerCU = par(o, "feePerCU", at);
    return {
      name: str(o, "name", at), count: int(o, "count", at, 1, 1_000_000), tasksPerEpoch: int(o, "tasksPerEpoch", at, 0, 1_000_000),
      itemsPerTask: int(o, "itemsPerTask", at, 1, 1024, 1), demand, growthBps: int(o, "growthBps", at, -10_000, 100_000, 0),
      seasonal: s && { periodEpochs: int(s, "periodEpochs", `${at}seasonal.`, 2, 100_000), amplitudeBps: int(s, "amplitudeBps", `${at}seasonal.`, 0, 10_000) },
      feePerCU, maxFeePerCU: o.maxFeePerCU === undefined ? feePerCU : par(o, "maxFeePerCU", at),
      from: int(o, "from", at, 0, epochs, 0), until: int(o, "until", at, 0, epochs, epochs),
      entity: o.entity === undefined ? null : str(o, "entity", at),
    };
  });

  const keepers = arr(r.keepers, "keepers").map((k, i): KeeperPopulation => {
    const at = `keepers[${i}].`;
    const o = obj(k, `keepers[${i}]`);
    const count = int(o, "count", at, 0, 10_000);
    const behavior = o.behavior ?? "honest";
    if (!BEHAVIORS.includes(behavior as Behavior)) fail(`${at}behavior`, `one of ${BEHAVIORS.join(", ")}`, behavior);
    const ms = arr(o.models, `${at}models`).map((m, j) => modelRef(m, `${at}models[${j}]`));
    if (ms.length === 0) fail(`${at}models`, "a non-empty array", ms);
    return {
      name: str(o, "name", at), count, maxCount: int(o, "maxCount", at, count, 10_000, count), joinEpoch: int(o, "joinEpoch", at, 0, epochs, 0),
      stake: par(o, "stake", at, "0"), models: ms, throughputCU: int(o, "throughputCU", at, 1, Number.MAX_SAFE_INTEGER),
      costPerCU: par(o, "costPerCU", at, "0"), behavior: behavior as Behavior, rateBps: int(o, "rateBps", at, 0, 10_000, 0),
      entity: o.entity === undefined ? null : str(o, "entity", at),
    };
  });
  if (keepers.length === 0) fail("keepers", "a non-empty array", []);

  const delegators = arr(r.delegators ?? [], "delegators").map((d, i): Delegation => {
    const at = `delegators[${i}].`;
    const o = obj(d, `delegators[${i}]`);
    const target = o.target ?? "spread";
    if (target !== "largest" && target !== "spread") fail(`${at}target`, '"largest" or "spread"', target);
    return { name: str(o, "name", at), epoch: int(o, "epoch", at, 0, epochs), amount: par(o, "amount", at), target: target as Delegation["target"] };
  });
  const det = obj(r.detection ?? {}, "detection");
  const detection = { canaryBps: int(det, "canaryBps", "detection.", 0, 10_000, 500), watchBps: int(det, "watchBps", "detection.", 0, 10_000, 5_000) };
  return { name, epochs, seed, params, models, requesters, keepers, delegators, detection };
}
