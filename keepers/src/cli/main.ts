/** `par`: the Paradigm keeper and requester CLI. Every command has --help. */
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { formatUnits, getAddress, isAddress, parseEther, stringToHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { formatPar, parsePar } from "../amounts.js";
import { explain } from "../chain/errors/index.js";
import { fundFromNode } from "../chain/faucet.js";
import { policyStatus } from "../chain/policy-status.js";
import { deposit, mined, postLot, postTask, waitForResult, expireTasks, withdrawDeposit, type Input, type VerifiedResult } from "../chain/requester.js";
import { createTaskBook } from "../chain/taskbook.js";
import { startKeeper } from "../keeper.js";
import { readJsonFile } from "../json-file.js";
import { createKeystore, keystoreAddress } from "../keystore.js";
import { MODELS } from "../models.js";
import { sampleBundle } from "../samples.js";
import { createLogger, createMetrics, serveMetrics } from "../telemetry.js";
import { chainIdOf, clients, defaults, intArg, passphrase, print, saltSecret, type GlobalOpts } from "./context.js";
import { keeperModelsCommand } from "./keeper-models.js";
import { modelsCommand } from "./models.js";

const program = new Command("par")
  .description("Paradigm: paid, verifiable ML inference. Run a keeper, post tasks, manage PAR.")
  .option("--rpc <url>", "JSON-RPC endpoint (env PAR_RPC)", defaults.rpc)
  .option("--addresses <file>", "deployment address book (default deploy/deployments/<chainId>.json; env PAR_DEPLOYMENTS sets the folder)")
  .option("--keystore <file>", "encrypted keystore (env PAR_KEYSTORE); passphrase from PAR_PASSPHRASE or a prompt", defaults.keystore)
  .option("--cache <dir>", "model cache folder (env PAR_CACHE)", defaults.cache)
  .option("--json", "machine-readable output and structured logs")
  .showHelpAfterError("(run with --help for usage)");

const g = (): GlobalOpts => program.opts<GlobalOpts>();
const parArg = (what: string) => (v: string) => {
  try {
    return parsePar(v, what);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const addrArg = (v: string) => {
  if (!isAddress(v)) throw new InvalidArgumentError(`"${v}" is not an address (0x followed by 40 hex digits)`);
  return getAddress(v);
};
const idList = (v: string) => v.split(",").map((x) => intArg("--models")(x.trim()));

// ------------------------------------------------------------------ keeper
const keeper = program.command("keeper").description("run and manage a keeper node");

keeper
  .command("init")
  .description("create a new key in an encrypted keystore (scrypt + aes-128-ctr, v3); the raw key is never written")
  .action(async () => {
    const pass = await passphrase("New keystore passphrase: ", true);
    const { address } = createKeystore(g().keystore, pass);
    print(g(), { keystore: g().keystore, address });
  });

keeper
  .command("stake <amount>")
  .description("register as a keeper with <amount> PAR self-stake, or add <amount> to an existing registration")
  .option("--models <ids>", "model ids to serve, comma-separated (needed to register)", idList)
  .option("--endpoint <url>", "how peers reach this keeper", "http://127.0.0.1")
  .option("--hardware <class>", "declared hardware class, e.g. cpu-x86-avx2, gpu-h100", "cpu")
  .option("--commission <bps>", "operator commission in basis points", intArg("--commission"), 0)
  .action(async (amountText: string, o) => {
    const amount = parArg("<amount>")(amountText);
    const { c } = await clients(g(), true);
    const me = c.account!.address;
    const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
    const info = await c.contracts.keepers.read.keeperOf([me]);
    if (amount > 0n) await mined(c, await c.contracts.token.write.approve([c.book.contracts.KeeperRegistry, amount], tx), "approve");
    if (!info.registered) {
      if (!o.models?.length) throw new Error("not registered yet: pass --models <ids> (see `par models list`)");
      const hw = stringToHex(o.hardware, { size: 32 });
      await mined(c, await c.contracts.keepers.write.register([o.endpoint, hw, o.models, amount, o.commission], tx), "register");
    } else {
      if (amount === 0n) throw new Error("<amount> must be positive to add stake");
      await mined(c, await c.contracts.keepers.write.addStake([amount], tx), "addStake");
    }
    print(g(), { keeper: me, staked: formatPar(amount), stake: formatPar(await c.contracts.keepers.read.stakeOf([me])) });
  });

keeper
  .command("unstake <amount>")
  .description("start unbonding <amount> PAR of self-stake (slashable until withdrawn after the unbonding period)")
  .action(async (amountText: string) => {
    const amount = parArg("<amount>")(amountText);
    const { c } = await clients(g(), true);
    const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
    await mined(c, await c.contracts.keepers.write.requestUnbond([amount], tx), "requestUnbond");
    const pos = await c.contracts.keepers.read.positionOf([c.account!.address, c.account!.address]);
    print(g(), { unbonding: formatPar(pos.unbonding), readyAt: new Date(Number(pos.unbondReadyAt) * 1000).toISOString() });
  });

keeper
  .command("withdraw")
  .description("withdraw self-stake whose unbonding period has passed")
  .action(async () => {
    const { c } = await clients(g(), true);
    const tx = { account: c.walletClient!.account, chain: c.walletClient!.chain };
    await mined(c, await c.contracts.keepers.write.withdraw([c.account!.address], tx), "withdraw");
    print(g(), { balance: formatPar(await c.contracts.token.read.balanceOf([c.account!.address])) });
  });

keeper
  .command("status [address]")
  .description("a keeper's registration, stake, bonds and models (default: your keystore's address, no passphrase needed)")
  .action(async (address?: string) => {
    const who = address ? addrArg(address) : keystoreAddress(g().keystore);
    const { c } = await clients(g(), false);
    const k = await c.contracts.keepers.read.keeperOf([who]);
    print(g(), {
      keeper: who,
      registered: k.registered,
      active: k.active,
      available: k.available,
      models: k.modelIds.join(","),
      stake: formatPar(k.stake),
      lockedBond: formatPar(k.lockedBond),
      unbonding: formatPar(k.unbonding),
      vesting: formatPar(await c.contracts.keepers.read.unvestedOf([who])),
      commissionBps: k.commissionBps,
      balance: formatPar(await c.contracts.token.read.balanceOf([who])),
      policy: await policyStatus(c),
    });
  });

keeperModelsCommand(keeper, g);

keeper
  .command("run")
  .description("run the keeper: claim, compute and submit tasks; finalize; watch others' results; serve on juries")
  .option("--workers <n>", "inference worker threads (default: cores − 1)", intArg("--workers"))
  .option("--cuda", "try the CUDA execution provider (falls back to CPU, logged)")
  .option("--sample-rate <r>", "fraction of others' results to re-check, 0..1", (v) => {
    const r = Number(v);
    if (!(r >= 0 && r <= 1)) throw new InvalidArgumentError(`--sample-rate must be between 0 and 1, got "${v}"`);
    return r;
  }, 1)
  .option("--poll <ms>", "chain poll interval", intArg("--poll"), 500)
  .option("--batch <n>", "most tasks per transaction", intArg("--batch"), 32)
  .option("--max-submit-bytes <n>", "largest result submitted inline; a task with a bigger one is declined before any claim", intArg("--max-submit-bytes"), 256 * 1024)
  .option("--metrics-port <port>", "serve Prometheus metrics on 127.0.0.1:<port>/metrics", intArg("--metrics-port"))
  .option("--status-every <s>", "print a status line every <s> seconds (0: never)", intArg("--status-every"), 10)
  .action(async (o) => {
    const { c, privateKey } = await clients(g(), true);
    const log = createLogger({ json: g().json });
    const metrics = createMetrics();
    const server = o.metricsPort !== undefined ? await serveMetrics(metrics, o.metricsPort) : undefined;
    if (server) log("metrics.listening", { url: `http://127.0.0.1:${o.metricsPort}/metrics` });
    const k = await startKeeper({
      clients: c, cacheDir: g().cache, saltSecret: saltSecret(privateKey!), poolSize: o.workers,
      provider: o.cuda ? "cuda" : "cpu", pollMs: o.poll, batchMax: o.batch, maxSubmitBytes: o.maxSubmitBytes,
      sampleRate: o.sampleRate, log, metrics,
    });
    const status = o.statusEvery > 0 ? setInterval(() => log("status", metrics.snapshot()), o.statusEvery * 1000) : undefined;
    const shutdown = async () => {
      clearInterval(status);
      await k.stop();
      server?.close();
      process.exit(0);
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
    await k.done;
  });

// ------------------------------------------------------------------ tasks
/** A verified result as printed: a plain task's outputs, or a lot's outputs per item. */
const resultView = (r: VerifiedResult) =>
  ({ task: r.id, keeper: r.keeper, resultHash: r.resultHash, ...(r.items ? { items: r.items } : { outputs: r.outputs }) });

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

// ------------------------------------------------------------------ wallet
const wallet = program.command("wallet").description("PAR balances and transfers");

wallet
  .command("balance [address]")
  .description("PAR and gas balance (default: your keystore's address, no passphrase needed)")
  .action(async (address?: string) => {
    const who = address ? addrArg(address) : keystoreAddress(g().keystore);
    const { c } = await clients(g(), false);
    print(g(), {
      address: who,
      PAR: formatPar(await c.contracts.token.read.balanceOf([who])),
      deposit: formatPar(await c.contracts.market.read.depositOf([who])),
      ETH: formatUnits(await c.publicClient.getBalance({ address: who }), 18),
    });
  });

wallet
  .command("deposit <amount>")
  .description("prepay <amount> PAR of task fees into the market (posts then need no approval and cost less gas)")
  .action(async (amountText: string) => {
    const amount = parArg("<amount>")(amountText);
    const { c } = await clients(g(), true);
    const tx = await deposit(c, amount);
    print(g(), { deposited: formatPar(amount), deposit: formatPar(await c.contracts.market.read.depositOf([c.account!.address])), tx });
  });

wallet
  .command("withdraw <amount>")
  .description("take <amount> PAR of your unused deposit back to your wallet")
  .action(async (amountText: string) => {
    const amount = parArg("<amount>")(amountText);
    const { c } = await clients(g(), true);
    const tx = await withdrawDeposit(c, amount);
    print(g(), { withdrawn: formatPar(amount), deposit: formatPar(await c.contracts.market.read.depositOf([c.account!.address])), tx });
  });

wallet
  .command("send <to> <amount>")
  .description("send <amount> PAR (8 decimals, exact) to <to>")
  .action(async (to: string, amountText: string) => {
    const dest: Address = addrArg(to);
    const amount = parArg("<amount>")(amountText);
    const { c } = await clients(g(), true);
    const have = await c.contracts.token.read.balanceOf([c.account!.address]);
    if (have < amount) throw new Error(`insufficient PAR: have ${formatPar(have)}, sending ${formatPar(amount)}`);
    const hash = await c.contracts.token.write.transfer([dest, amount], { account: c.walletClient!.account, chain: c.walletClient!.chain });
    await mined(c, hash, "transfer");
    print(g(), { sent: formatPar(amount), to: dest, tx: hash });
  });

wallet
  .command("address")
  .description("the address of your keystore (read from the file: no passphrase, no chain)")
  .action(() => print(g(), { address: keystoreAddress(g().keystore) }));

// ------------------------------------------------------------------ faucet
/** Printed with every faucet answer: a new account's next question is where its PAR comes from. */
const HOW_TO_GET_PAR =
  "none: PAR has no premine and the emission pool is its only minter, so no faucet can give it. " +
  "On the devnet, earn it as a keeper (`par keeper stake 0 --models 1,2,3`, then `par keeper run`), " +
  "or ask a keeper to send you some (`par wallet send <address> <amount>`)";

const ethArg = (v: string) => {
  if (!/^\d+(\.\d{1,18})?$/.test(v)) throw new InvalidArgumentError(`--eth must be an amount of ETH like 10 or 0.5, got "${v}"`);
  return v;
};

program
  .command("faucet [address]")
  .description("local devnet only: send <address> (default: your keystore's) ETH for gas from the node's own account; PAR cannot be handed out, only earned")
  .option("--eth <amount>", "ETH to send", ethArg, "10")
  .action(async (address: string | undefined, o) => {
    const who = address ? addrArg(address) : keystoreAddress(g().keystore);
    await chainIdOf(g().rpc);
    const tx = await fundFromNode(g().rpc, who, parseEther(o.eth));
    print(g(), { address: who, ETH: `+${o.eth}`, tx, PAR: HOW_TO_GET_PAR });
  });

// ------------------------------------------------------------------ models
modelsCommand(program, g);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // a revert reads as a sentence with its values (keepers/src/chain/errors); other errors keep their message
  console.error(`par: ${explain(e)}`);
  process.exit(1);
}
