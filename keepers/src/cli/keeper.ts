/** `par keeper`: create a key, stake and unstake, read a keeper's status, serve models, run the node. */
import { InvalidArgumentError, type Command } from "commander";
import { stringToHex } from "viem";
import { formatPar } from "../amounts.js";
import { policyStatus } from "../chain/policy-status.js";
import { mined } from "../chain/requester.js";
import { startKeeper } from "../keeper/index.js";
import { createKeystore, keystoreAddress } from "../keystore.js";
import { createLogger, createMetrics, serveMetrics } from "../telemetry.js";
import { addrArg, clients, intArg, parArg, passphrase, print, saltSecret, type GlobalOpts } from "./context.js";
import { registerKeeperModelsCommands } from "./keeper-models.js";

const idList = (v: string) => v.split(",").map((x) => intArg("--models")(x.trim()));

const sampleRate = (v: string) => {
  const r = Number(v);
  if (!(r >= 0 && r <= 1)) throw new InvalidArgumentError(`--sample-rate must be between 0 and 1, got "${v}"`);
  return r;
};

export function registerKeeperCommands(program: Command, g: () => GlobalOpts): void {
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

  registerKeeperModelsCommands(keeper, g);

  keeper
    .command("run")
    .description("run the keeper: claim, compute and submit tasks; finalize; watch others' results; serve on juries")
    .option("--workers <n>", "inference worker threads (default: cores − 1)", intArg("--workers"))
    .option("--cuda", "try the CUDA execution provider (falls back to CPU, logged)")
    .option("--sample-rate <r>", "fraction of others' results to re-check, 0..1", sampleRate, 1)
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
}
