/**
 * The soak's requesters: they prepay a deposit, then post paid tasks and lots of the MLP model in
 * rounds spread over time. Each input's true result is computed here, with the SDK's own
 * inference, as it is posted: the truth the test judges every submitted result by.
 */
import type { Address, Hex } from "viem";
import { resultHash } from "../../keepers/src/canonical.js";
import type { ParadigmClients } from "../../keepers/src/chain/client.js";
import { deposit, postLot, postTasks } from "../../keepers/src/chain/requester.js";
import { runBundle, type LoadedSession } from "../../keepers/src/inference.js";
import { encodeLot } from "../../keepers/src/lot.js";
import { MODELS } from "../../keepers/src/models.js";
import { sampleBundle } from "../../keepers/src/samples.js";
import { clientsFor, fundedKey, type Connection, type SdkChain } from "./sdk-chain.js";

const PAR = 10n ** 8n;

/** What the requesters post: `rounds` rounds, `everyMs` apart, each a batch of plain tasks and one lot. */
export const LOAD = {
  requesters: 3,
  rounds: 20,
  tasksPerRound: 15,
  /** A lot of round r has 2 + r % 4 items. */
  lotItems: (round: number) => 2 + (round % 4),
  everyMs: 7_500,
  /** Per input: a lot pays it once per item. Bonds are 10× the fee, slashes at least that. */
  fee: PAR / 10n,
  /** Seconds to each task's deadline. */
  ttl: 150,
};

/** A posted task and the truth: the hash of its correct result. */
export type Posted = { id: bigint; requester: Address; fee: bigint; items: number; truth: Hex };

/** `n` requesters, each with `amount` of PAR in its market deposit and nothing in its wallet. */
export async function fundRequesters(chain: { conn: Connection; fx: SdkChain; url: string }, n: number, amount: bigint): Promise<ParadigmClients[]> {
  return Promise.all(Array.from({ length: n }, async () => {
    const c = clientsFor(chain.url, chain.fx.book, await fundedKey(chain.conn, chain.fx, amount));
    await deposit(c, amount);
    return c;
  }));
}

/** The hash of the correct result of `bundles`: one task's output, or a lot's. */
async function truthOf(session: LoadedSession["session"], bundles: Uint8Array[]): Promise<Hex> {
  const outputs = [];
  for (const b of bundles) outputs.push(await runBundle(session, MODELS.mlp, b));
  return outputs.length === 1 ? outputs[0].resultHash : resultHash(encodeLot(outputs.map((o) => o.canonical)));
}

/** MLP inputs of 1 to 3 rows, a different one for every seed. */
const input = (seed: number) => sampleBundle("mlp", 1 + (seed % 3), seed);

/**
 * Posts LOAD's rounds, the requesters taking turns; `onPosted` sees each task as soon as it is
 * mined, with its truth.
 */
export async function postLoad(requesters: ParadigmClients[], modelId: number, session: LoadedSession["session"], onPosted: (p: Posted) => void): Promise<Posted[]> {
  const posted: Posted[] = [];
  const record = (c: ParadigmClients, id: bigint, fee: bigint, items: number, truth: Hex) => {
    const p = { id, requester: c.account!.address, fee, items, truth };
    posted.push(p);
    onPosted(p);
  };
  const start = Date.now();
  for (let r = 0; r < LOAD.rounds; r++) {
    await new Promise((done) => setTimeout(done, start + r * LOAD.everyMs - Date.now()));
    const c = requesters[r % requesters.length];
    const bundles = Array.from({ length: LOAD.tasksPerRound }, (_, i) => input(1 + r * LOAD.tasksPerRound + i));
    const ids = await postTasks(c, modelId, bundles, { fee: LOAD.fee, ttl: LOAD.ttl });
    for (const [i, id] of ids.entries()) record(c, id, LOAD.fee, 1, await truthOf(session, [bundles[i]]));
    const items = Array.from({ length: LOAD.lotItems(r) }, (_, j) => input(100_000 + r * 10 + j));
    const fee = LOAD.fee * BigInt(items.length);
    record(c, await postLot(c, modelId, items, { fee, ttl: LOAD.ttl }), fee, items.length, await truthOf(session, items));
  }
  return posted;
}
