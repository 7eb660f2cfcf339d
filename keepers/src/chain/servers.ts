/**
 * Who serves a model: the registered, active keepers that list it. A model's results are only
 * checked by other keepers that serve it (the watchtower re-runs others' results; jurors are
 * drawn among its servers), so a model served by one keeper alone has nobody checking it.
 */
import type { Address } from "viem";
import type { ParadigmClients } from "./client.js";

export type ModelServers = {
  /** Registered, active keepers that serve the model, in registration order. */
  keepers: Address[];
  /** The model's sortition weight: Σ (stake + 1) over those keepers (KeeperRegistry.modelWeight). */
  weight: bigint;
  /** Set when fewer than two keepers serve the model: what that means for requesters. */
  warning?: string;
};

export async function modelServers(c: ParadigmClients, id: number): Promise<ModelServers> {
  const registry = c.contracts.keepers;
  const weight = await registry.read.modelWeight([id]);
  // a zero weight means no active keeper serves it: no need to walk the keepers
  const keepers: Address[] = [];
  if (weight > 0n) {
    const count = Number(await registry.read.keeperCount());
    const all = await Promise.all(Array.from({ length: count }, (_, i) => registry.read.keeperAt([BigInt(i)])));
    const serving = await Promise.all(all.map(async (k) => {
      const [registered, active, serves] = await Promise.all([registry.read.isRegistered([k]), registry.read.isActive([k]), registry.read.serves([k, id])]);
      return registered && active && serves;
    }));
    keepers.push(...all.filter((_, i) => serving[i]));
  }
  return { keepers, weight, warning: warningFor(id, keepers.length) };
}

function warningFor(id: number, n: number): string | undefined {
  if (n === 0) return `no active keeper serves model ${id}: its tasks will expire unanswered (a keeper adds it with \`par keeper models add ${id}\`)`;
  if (n === 1) {
    return `only one keeper serves model ${id}: nobody else can check its results (no watchtower re-runs them, no jury can be drawn), ` +
      `so a wrong result would stand; a second keeper adds it with \`par keeper models add ${id}\``;
  }
  return undefined;
}
