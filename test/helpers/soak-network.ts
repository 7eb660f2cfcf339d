/**
 * The soak's keepers: who they are (the roster), their registration, and how each one runs: the
 * real keeper (honest, or with a tamper that lies), an adversary agent, or nothing at all.
 */
import { keccak256, type Address, type Hex } from "viem";
import type { ParadigmClients } from "../../keepers/src/chain/client.js";
import { startKeeper, type Keeper } from "../../keepers/src/keeper/index.js";
import type { Logger } from "../../keepers/src/telemetry.js";
import { colludingJuror, copyPrevious, corrupt, griefer, squatter, type Agent } from "./adversaries.js";
import { stakedKeeper, type Connection, type SdkChain } from "./sdk-chain.js";

const PAR = 10n ** 8n;

/**
 * - honest: the keeper as shipped, watching every result (sampleRate 1);
 * - liar / copier: the keeper with a tamper (a corrupted value / the previous task's output), not watching;
 * - colluder: an agent that, when seated on a jury, votes for the wrong side;
 * - absent: registered and staked, never runs (its drawn tasks fall to others after assignWindow);
 * - squatter: an agent that claims the tasks drawn to it and never submits;
 * - griefer: an agent that challenges honest results with wrong outputs. It serves another model,
 *   so that it is never drawn for the soak's tasks nor its juries.
 */
export type Role = "honest" | "liar" | "copier" | "colluder" | "absent" | "squatter" | "griefer";

/**
 * Honest keepers hold 6,000 of the 6,850 PAR staked. The colluders, with the silent absent keeper
 * and squatter, are 4 of the 13 keepers juries are drawn from, but hold 500 of their 6,650 PAR:
 * they rarely fill 3 of 5 seats (round 0 then fails, and round 1 seats up to 11 of whom 7 or more
 * vote honestly: the liars and the copier run the keeper's juror code, which votes honestly).
 * Liars hold little stake, as liars would after a few slashes; they still take every task they
 * can claim and lie on all of it.
 */
export const ROSTER: readonly { role: Role; count: number; stake: bigint }[] = [
  { role: "honest", count: 6, stake: 1_000n * PAR },
  { role: "liar", count: 2, stake: 50n * PAR },
  { role: "copier", count: 1, stake: 50n * PAR },
  { role: "colluder", count: 2, stake: 150n * PAR },
  { role: "absent", count: 1, stake: 100n * PAR },
  { role: "squatter", count: 1, stake: 100n * PAR },
  { role: "griefer", count: 1, stake: 200n * PAR },
];

/**
 * The griefer challenges every GRIEF_EVERY-th honest result: ~7 false disputes in the soak. At
 * every 6th (~50, on top of the lies) the keepers fell behind their windows (docs/market.md).
 */
export const GRIEF_EVERY = 40;

export type Party = { role: Role; address: Address; key: Hex; c: ParadigmClients };

export const isHonest = (p: Party) => p.role === "honest";

/** Registers the roster: every keeper serves the MLP model, but the griefer, which serves `mixed`. */
export async function registerParties(chain: { conn: Connection; fx: SdkChain; url: string }): Promise<Party[]> {
  const { mlp, mixed } = chain.fx.modelIds;
  const roles = ROSTER.flatMap((r) => Array.from({ length: r.count }, () => r));
  return Promise.all(roles.map(async ({ role, stake }) => {
    const { key, c } = await stakedKeeper(chain, [role === "griefer" ? mixed : mlp], stake);
    return { role, key, c, address: c.account!.address };
  }));
}

export type Running = { stop(): Promise<void> };

/** Starts every party as its role says; `truth` is what colluders vote against. */
export async function startParties(parties: Party[], opts: { cacheDir: string; log: Logger; truth: (id: bigint) => Hex | undefined }): Promise<Running> {
  const victims = new Set(parties.filter(isHonest).map((p) => p.address.toLowerCase()));
  const log = (p: Party): Logger => (event, fields) => opts.log(event, { who: `${p.role}:${p.address.slice(0, 6)}`, ...fields });
  const keeper = (p: Party, extra: Partial<Parameters<typeof startKeeper>[0]>) =>
    startKeeper({ clients: p.c, cacheDir: opts.cacheDir, saltSecret: keccak256(p.key), poolSize: 1, log: log(p), ...extra });
  const keepers: Keeper[] = [];
  const agents: Agent[] = [];
  for (const p of parties) {
    if (p.role === "honest") keepers.push(await keeper(p, { sampleRate: 1 }));
    if (p.role === "liar") keepers.push(await keeper(p, { sampleRate: 0, tamper: corrupt }));
    if (p.role === "copier") keepers.push(await keeper(p, { sampleRate: 0, tamper: copyPrevious() }));
    if (p.role === "colluder") agents.push(colludingJuror(p.c, log(p), opts.truth));
    if (p.role === "squatter") agents.push(squatter(p.c, log(p)));
    if (p.role === "griefer") agents.push(griefer(p.c, log(p), victims, GRIEF_EVERY));
  }
  return { stop: async () => void (await Promise.all([...keepers, ...agents].map((k) => k.stop()))) };
}
