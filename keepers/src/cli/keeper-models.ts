/**
 * `par keeper models add <id>`: make this keeper serve one more model. The model's file goes into
 * the keeper's cache (--cache), checked against the registry's sha256, and the model joins the
 * keeper's list on chain (KeeperRegistry.updateModels), which a running keeper re-reads every few
 * seconds (served.ts) and a restarted one reads at start.
 */
import type { Command } from "commander";
import { pathToFileURL } from "node:url";
import { fetchModel } from "../cache.js";
import { getModel } from "../chain/models.js";
import { mined } from "../chain/requester.js";
import { modelServers } from "../chain/servers.js";
import { MODELS_REFRESH_MS } from "../served.js";
import { clients, intArg, print, type GlobalOpts } from "./context.js";

export function registerKeeperModelsCommands(keeper: Command, g: () => GlobalOpts): void {
  const models = keeper.command("models").description("the models this keeper serves");

  models
    .command("add <id>")
    .description("serve model <id>: fetch and verify its file into --cache, then add it to this keeper's models on chain; a running keeper picks it up within seconds")
    .option("--file <path>", "a local copy of the model's file, for when its URI does not answer from here (checked against the registry's sha256)")
    .action(async (idText: string, o: { file?: string }) => {
      const id = intArg("<id>")(idText);
      const { c } = await clients(g(), true);
      const me = c.account!.address;
      const info = await c.contracts.keepers.read.keeperOf([me]);
      if (!info.registered) throw new Error(`${me} is not a registered keeper: \`par keeper stake <amount> --models ${id}\` registers it serving model ${id}`);
      const count = await c.contracts.models.read.modelCount();
      if (id < 1 || id > count) throw new Error(`no model ${id}: the registry has models 1..${count} (\`par models list\`)`);
      const model = await getModel(c, id);
      if (model.status === "Retired") throw new Error(`model ${id} is retired: it takes no tasks`);
      // the file first: a keeper that lists a model it cannot load would only log model.unavailable
      const cached = await fetchModel(o.file ? pathToFileURL(o.file).href : model.uri, model.modelHash, g().cache);
      const listed = info.modelIds.includes(id);
      if (!listed) {
        const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
        await mined(c, await c.contracts.keepers.write.updateModels([[...info.modelIds, id]], tx), "updateModels");
      }
      const servers = await modelServers(c, id);
      print(g(), {
        keeper: me,
        model: id,
        status: model.status,
        models: (await c.contracts.keepers.read.keeperOf([me])).modelIds.join(","),
        cached,
        serving: listed ? "already listed on chain" : `added on chain: a running keeper with --cache ${g().cache} loads it within ${MODELS_REFRESH_MS / 1000} s, a restarted one at start`,
        servers: servers.keepers.length,
        ...(servers.warning && g().json ? { warning: servers.warning } : {}),
      });
      if (model.status === "Proposed" && !g().json) console.error(`par: note: model ${id} is not approved yet: it takes tasks once governance approves it`);
      if (servers.warning && !g().json) console.error(`par: warning: ${servers.warning}`);
    });
}
