/** `par models`: list and show models, register your own .onnx file, approve it on the devnet. */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { encodeFunctionData } from "viem";
import { modelRegistryAbi } from "../abi.js";
import { fetchModelBytes } from "../cache.js";
import { approveModel, devnetGuardian, type ApprovalStep } from "../chain/governance.js";
import { getModel, listModels, proposeModel } from "../chain/models.js";
import { modelServers } from "../chain/servers.js";
import { modelFromFile } from "../model-file.js";
import { MODELS, sha256, type ModelDef } from "../models.js";
import { dtypeName, type TensorSpec } from "../tensors.js";
import { clients, intArg, print, type GlobalOpts } from "./context.js";

const tensorText = (s: TensorSpec) => `${s.name} ${dtypeName(s.dtype)} [${s.shape.map((d) => (d < 0 ? "?" : d)).join(",")}]`;
const ioText = (specs: TensorSpec[]) => specs.map(tensorText).join(", ");

/** A model as printed: tensors as `name dtype [shape]` and a long URI cut, unless --json. */
function view<T extends { inputs: TensorSpec[]; outputs: TensorSpec[]; uri: string }>(g: GlobalOpts, m: T) {
  return g.json ? m : { ...m, inputs: ioText(m.inputs), outputs: ioText(m.outputs), uri: m.uri.length > 100 ? m.uri.slice(0, 97) + "..." : m.uri };
}

/** `par models register` options: the ModelDef fields a file cannot tell (model-file.ts). */
type RegisterOptions = { uri?: string; cu?: number; decimals?: number; tolerance?: number; maxDim?: number; maxInputBytes?: number; maxOutputBytes?: number };

export function registerModelsCommands(program: Command, g: () => GlobalOpts): void {
  const models = program.command("models").description("the model registry: list, show, register your own .onnx model, approve it on the devnet (docs/models.md)");

  models
    .command("list")
    .description("all registered models")
    .action(async () => {
      const { c } = await clients(g(), false);
      const list = await listModels(c);
      if (g().json) return console.log(JSON.stringify(list, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
      for (const m of list) console.log(`${String(m.id).padStart(3)}  ${m.status.padEnd(8)}  CU ${String(m.computeUnits).padEnd(4)} ${m.inputs.map((i) => i.name).join(",")} -> ${m.outputs.map((i) => i.name).join(",")}  ${m.uri.slice(0, 60)}`);
    });

  models
    .command("show <id>")
    .description("a model's full record and the active keepers that serve it (warns when fewer than two do: nobody checks their results)")
    .action(async (idText: string) => {
      const { c } = await clients(g(), false);
      const id = intArg("<id>")(idText);
      const [m, servers] = await Promise.all([getModel(c, id), modelServers(c, id)]);
      print(g(), { ...view(g(), m), servers: servers.keepers.length, keepers: servers.keepers.join(","), ...(servers.warning && g().json ? { warning: servers.warning } : {}) });
      if (servers.warning && !g().json) console.error(`par: warning: ${servers.warning}`);
    });

  models
    .command("register <file>")
    .description("propose your .onnx model: its inputs, outputs and sha256 are read from the file; governance approves it (on the devnet: `par models approve <id> --devnet`). Also takes a built-in key: " + Object.keys(MODELS).join(", "))
    .option("--uri <uri>", "where keepers fetch the file: file:, https:, npm:<package>/<path> (default: this file's file: URL, for keepers on this machine)")
    .option("--cu <n>", "compute units one inference costs; its fee floor and emission scale with it (required)", intArg("--cu"))
    .option("--decimals <d>", "float outputs are committed as round(x·10^d) (default 4 with float outputs, else 0)", intArg("--decimals"))
    .option("--tolerance <t>", "largest difference between two committed elements that still agree (default 2 with float outputs, else 0)", intArg("--tolerance"))
    .option("--max-dim <n>", "the most any dynamic dimension may be: sets the byte limits below when not given", intArg("--max-dim"))
    .option("--max-input-bytes <n>", "largest input bundle in bytes (computed when every input dim is fixed)", intArg("--max-input-bytes"))
    .option("--max-output-bytes <n>", "largest canonical output in bytes, 8 per element (computed when every output dim is fixed)", intArg("--max-output-bytes"))
    .action(async (file: string, o: RegisterOptions) => {
      const def = MODELS[file] ?? (await definitionOf(file, o));
      const { c } = await clients(g(), true);
      const hash = sha256(def.bytes());
      const existing = await c.contracts.models.read.idOf([hash]);
      if (existing !== 0) throw new Error(`this file (sha256 ${hash}) is already registered as model ${existing}: see \`par models show ${existing}\``);
      const id = await proposeModel(c, def);
      const { bytes: _bytes, ...spec } = def;
      print(g(), { id, status: "Proposed", modelHash: hash, ...view(g(), spec), next: `governance approves it; on the devnet: par models approve ${id} --devnet` });
    });

  models
    .command("approve <id>")
    .description("approve a proposed model through governance: on the devnet (--devnet) the guardian schedules it on the timelock, this waits the timelock's delay and executes it")
    .option("--devnet", "sign as the devnet's guardian, the account the devnet's node holds unlocked")
    .action(async (idText: string, o) => {
      const id = intArg("<id>")(idText);
      const { c } = await clients(g(), false);
      if (!o.devnet) {
        const data = encodeFunctionData({ abi: modelRegistryAbi, functionName: "approve", args: [id] });
        throw new Error(`only governance approves models. On the devnet pass --devnet. Elsewhere the timelock must call ModelRegistry ${c.book.contracts.ModelRegistry} ` +
          `with ${data} (approve(${id})): scheduled by the guardian during genesis, or by a Governor proposal (docs/governance.md)`);
      }
      const say = (s: ApprovalStep) => (g().json ? console.log(JSON.stringify(s)) : console.log(`${s.step.padEnd(9)}  ${s.message}`));
      await approveModel(c, id, await devnetGuardian(c), say);
    });
}

/** The ModelDef for a file, checked before anything is sent: the file loads and its URI serves the same bytes. */
async function definitionOf(file: string, o: RegisterOptions): Promise<ModelDef> {
  if (!existsSync(file)) throw new Error(`no file at ${file}: give an .onnx file (or a built-in key: ${Object.keys(MODELS).join(", ")})`);
  const def = await modelFromFile(file, {
    uri: o.uri, computeUnits: o.cu, outputDecimals: o.decimals, tolerance: o.tolerance,
    maxDim: o.maxDim, maxInputBytes: o.maxInputBytes, maxOutputBytes: o.maxOutputBytes,
  });
  // keepers will fetch the URI and refuse bytes with another hash: find that out now, not from their logs
  const [want, served] = [sha256(def.bytes()), sha256(await fetchModelBytes(def.uri))];
  if (served !== want) throw new Error(`${def.uri} serves other bytes than ${file} (sha256 ${served}, the file's is ${want}): --uri must serve this very file`);
  return def;
}
