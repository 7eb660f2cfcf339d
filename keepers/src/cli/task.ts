/** `par task`: post inference tasks (plain, lot or by URI), read them, wait for results, reclaim expired ones. */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { formatPar } from "../amounts.js";
import { expireTasks, postLot, postTask, waitForResult, type Input, type VerifiedResult } from "../chain/requester.js";
import { createTaskBook } from "../chain/taskbook.js";
import { readJsonFile } from "../json-file.js";
import { MODELS } from "../models.js";
import { sampleBundle } from "../samples.js";
import { clients, intArg, parArg, print, type GlobalOpts } from "./context.js";

/** A verified result as printed: a plain task's outputs, or a lot's outputs per item. */
const resultView = (r: VerifiedResult) =>
  ({ task: r.id, keeper: r.keeper, resultHash: r.resultHash, ...(r.items ? { items: r.items } : { outputs: r.outputs }) });

export function registerTaskCommands(program: Command, g: () => GlobalOpts): void {
  const task = program.command("task").description("post inference tasks and read their results");

  task
    .command("post")
    .description("post a task for a model; the input is validated against the model's signature first")
    .requiredOption("--model <id>", "model id", intArg("--model"))
    .option("--input <file>", "input tensor bundle, binary (see docs/sdk.md)")
    .option("--input-json <file>", 'input as JSON: {"<input name>": {"dims": [..], "data": [..]}, ...}')
    .option("--sample <key>", `a built-in sample input (${Object.keys(MODELS).join(", ")})`)
    .option("--lot-json <file>", "many inputs as one lot (one task, far less gas per input): a JSON array of --input-json objects, 2 to 1024")
    .option("--input-uri <uri>", "the input is published at this URI (file:, http(s):, data:): the post carries only its keccak256 and the URI, and keepers fetch it; keep it reachable until the task closes")
    .option("--fee <PAR>", "fee in PAR (default: the market's minimum quote, × inputs for a lot)", parArg("--fee"))
    .option("--ttl <seconds>", "deadline, seconds from now", intArg("--ttl"), 600)
    .option("--wait", "wait for the verified result and print it")
    .action(async (o) => {
      const given = [o.input, o.inputJson, o.sample, o.lotJson].filter(Boolean).length;
      if (given !== 1) throw new Error("give exactly one of --input <file>, --input-json <file>, --sample <key>, --lot-json <file>");
      // Read the input before touching the chain: a bad file is reported even with no node running.
      const lot = o.lotJson ? readJsonFile(o.lotJson, "--lot-json") : undefined;
      if (lot !== undefined && !Array.isArray(lot)) throw new Error(`--lot-json ${o.lotJson}: expected a JSON array of inputs, one per item`);
      const input = o.input ? readFileSync(o.input) : o.inputJson ? (readJsonFile(o.inputJson, "--input-json") as Input) : o.sample ? sampleBundle(o.sample) : undefined;
      const { c } = await clients(g(), true);
      const fromBlock = await c.publicClient.getBlockNumber();
      const opts = { fee: o.fee, ttl: o.ttl, inputURI: o.inputUri };
      const id = lot ? await postLot(c, o.model, lot, opts) : await postTask(c, o.model, input!, opts);
      if (!o.wait) return print(g(), { task: id });
      print(g(), resultView(await waitForResult(c, id, { fromBlock })));
    });

  task
    .command("get <id>")
    .description("a task's state, rebuilt from chain events")
    .action(async (idText: string) => {
      const id = BigInt(intArg("<id>")(idText));
      const { c } = await clients(g(), false);
      const book = createTaskBook(c);
      await book.sync();
      const t = book.tasks.get(id);
      if (!t) throw new Error(`task ${id} not found (next id is ${await c.contracts.market.read.nextTaskId()})`);
      print(g(), { task: id, phase: t.phase, model: t.task.modelId, requester: t.task.requester, fee: formatPar(t.task.fee),
        keeper: t.task.keeper, resultHash: t.task.resultHash, deadline: new Date(t.task.deadline * 1000).toISOString(),
        challenged: !!t.challenge, items: t.items, ...(t.inputURI ? { inputURI: t.inputURI, inputHash: t.inputHash } : { inputBytes: (t.input.length - 2) / 2 }) });
    });

  task
    .command("wait <id>")
    .description("wait for a task's verified result (finalizes it after the challenge window if nobody has)")
    .option("--timeout <s>", "give up after <s> seconds", intArg("--timeout"), 900)
    .action(async (idText: string, o) => {
      const { c } = await clients(g(), !!process.env.PAR_PASSPHRASE);
      print(g(), resultView(await waitForResult(c, BigInt(intArg("<id>")(idText)), { timeoutMs: o.timeout * 1000 })));
    });

  task
    .command("reclaim <ids>")
    .description("refund your tasks whose deadline passed without a result (comma-separated ids)")
    .action(async (idsText: string) => {
      const { c } = await clients(g(), true);
      const book = createTaskBook(c);
      await book.sync();
      const ts = idsText.split(",").map((x) => {
        const t = book.tasks.get(BigInt(intArg("<ids>")(x.trim())));
        if (!t) throw new Error(`task ${x} not found or already closed`);
        return t;
      });
      await expireTasks(c, ts);
      print(g(), { reclaimed: ts.map((t) => t.id).join(",") });
    });
}
