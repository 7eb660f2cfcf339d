/**
 * The models a keeper serves: those it lists on chain (KeeperRegistry.keeperOf(me).modelIds)
 * whose file it fetched into its cache, verified against the registry's sha256 and loaded. The
 * list is read again every `MODELS_REFRESH_MS` while the keeper runs, so a model added with
 * `par keeper models add` (updateModels) is served without a restart, and a model whose file was
 * unreachable is tried again. A model dropped from the list is served until the next restart.
 */
import type { Address } from "viem";
import type { ParadigmClients } from "./chain/client.js";
import { modelFile, signatureOf, type ModelRecord } from "./chain/models.js";
import type { InferencePool } from "./pool.js";
import { errMsg, type Logger } from "./telemetry.js";

export const MODELS_REFRESH_MS = 5_000;

export type ServedModel = { model: ModelRecord; path: string };

export function servedModels(c: ParadigmClients, me: Address, cacheDir: string, pool: InferencePool, log: Logger) {
  const served = new Map<number, ServedModel>();
  const failed = new Map<number, string>(); // model id → why its file could not be used (logged once per reason)
  let readAt = 0;
  let reading: Promise<number[]> | undefined;

  /** Loads the models listed on chain that are not served yet; returns the ids it added. */
  async function load(): Promise<number[]> {
    readAt = Date.now();
    const info = await c.contracts.keepers.read.keeperOf([me]);
    if (!info.registered) throw new Error(`${me} is not a registered keeper; run \`par keeper stake <amount> --models <ids>\` first`);
    const added: number[] = [];
    for (const id of info.modelIds.filter((id) => !served.has(id))) {
      try {
        const m = await modelFile(c, id, cacheDir);
        await pool.warm(m.path, signatureOf(m.model));
        served.set(id, m);
        failed.delete(id);
        added.push(id);
      } catch (e) {
        const reason = errMsg(e);
        if (failed.get(id) !== reason) log("model.unavailable", { model: id, reason });
        failed.set(id, reason);
      }
    }
    return added;
  }

  /** Beside the task loop, at most every MODELS_REFRESH_MS: fetching and loading a file takes a while. */
  function refreshInBackground() {
    if (reading || Date.now() < readAt + MODELS_REFRESH_MS) return;
    reading = load()
      .then((added) => (added.forEach((id) => log("model.added", { model: id })), added))
      .catch((e) => (log("models.refresh.failed", { reason: errMsg(e) }), []))
      .finally(() => (reading = undefined));
  }

  return { served, load, refreshInBackground, refreshing: () => reading };
}
