/**
 * The devnet: what the network's founder runs to kick-start Paradigm on a laptop.
 *
 *   npm run devnet -- [--fresh | --resume] [--port 8545] [--dir .devnet]
 *
 *   1. a local chain (`hardhat node --network devnet`) mined like an L2: a block a second holding
 *      every transaction sent in that second, with timestamps that follow the wall clock;
 *   2. Paradigm deployed with the genesis models approved (deploy/deploy.ts), and the canary
 *      service (deploy/canary.ts), which benchmarks keepers and posts canaries (attestation);
 *   3. two keepers, each with its own encrypted keystore, registered with zero stake (genesis:
 *      nobody holds PAR) and running `par keeper run`: each becomes active once it passes its
 *      benchmark;
 *   4. a requester agent that keeps posting tasks;
 *   5. the indexer (subgraph/, Ponder), serving GraphQL and SQL over the chain, and the dApp
 *      (frontend/), built and served with this devnet's addresses;
 *   6. a summary line every few seconds: tasks done, PAR earned per keeper.
 *
 * A keeper or the agent that exits is started again (devnet-processes.ts); only the chain's exit
 * stops the devnet. Its state lives in --dir: logs, keystores, model cache, the accounts
 * (devnet.json) and the chain, saved block by block (devnet-chain.ts). A second run carries on
 * from there (--resume, the default when there is something to resume) or starts clean (--fresh),
 * and says which. Ctrl-C stops every process it started.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { spawn } from "node:child_process";
import { createPublicClient, http, parseEther, type Address, type PublicClient } from "viem";
import { formatPar } from "../keepers/src/amounts.js";
import { loadKeystore } from "../keepers/src/keystore.js";
import { configFromBook, serveDapp } from "../frontend/serve.js";
import { addressBookPath, loadAddressBook } from "../keepers/src/chain/addresses.js";
import { fundFromNode } from "../keepers/src/chain/faucet.js";
import { readNetwork } from "./devnet-status.js";
import { readSavedChain, recordChain, replayChain, saveGenesis, type SavedChain } from "./devnet-chain.js";
import { commandLine, createSupervisor, shellWord, type Service } from "./devnet-processes.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const KEEPERS = 2;
const BLOCK_MS = 1_000;

const { values: flags } = parseArgs({
  options: { fresh: { type: "boolean" }, resume: { type: "boolean" }, port: { type: "string" }, dir: { type: "string" } },
});
const port = Number(flags.port ?? process.env.PARADIGM_RPC_PORT ?? 8545);
const rpc = `http://127.0.0.1:${port}`;
const dir = path.resolve(root, flags.dir ?? ".devnet");
// The default devnet's address book goes where `par` looks by default; a devnet in another
// folder keeps its own there, so that two devnets never overwrite each other's.
const deployments = flags.dir ? path.join(dir, "deployments") : path.join(root, "deploy/deployments");
const files = { chain: path.join(dir, "chain.jsonl"), accounts: path.join(dir, "devnet.json"), cache: path.join(dir, "models") };
const keystore = (name: string) => path.join(dir, `${name}.keystore.json`);

/** A path as children get it and as printed: relative to the repository root, where they run, if it is inside it. */
const rel = (p: string) => (path.relative(root, p).startsWith("..") ? p : path.relative(root, p));

type Accounts = { keepers: { name: string; address: Address }[]; agent: Address; you?: Address; canary?: Address };

const log = (msg: string) => console.log(`[devnet] ${msg}`);
const supervisor = createSupervisor({ cwd: root, logDir: dir, log });
let recorder: ReturnType<typeof recordChain> | undefined;
let stopping = false;

/**
 * Stops the agent and the keepers first, so that their last transactions are still mined and
 * their final logs written, then saves the last blocks, then stops the chain.
 */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  await supervisor.stop(["chain"], async () => void (await recorder?.flush()));
  log("stopped");
  process.exit(code);
}

/** Runs a command to completion; throws with its output if it fails. */
function run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} failed:\n${out}`))));
  });
}

async function waitForRpc(client: PublicClient, timeoutMs = 60_000) {
  for (const until = Date.now() + timeoutMs; ; ) {
    try {
      return await client.getChainId();
    } catch {
      if (Date.now() > until) throw new Error(`the chain did not answer on ${rpc} within ${timeoutMs / 1000}s; see ${rel(dir)}/chain.log`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** A TCP port nobody listens on now (for keepers' metrics: fixed ports clash between devnets). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** What `par` needs to act as account `name` of this devnet. */
const envFor = (name: string) => ({
  PAR_RPC: rpc,
  PAR_DEPLOYMENTS: rel(deployments),
  PAR_CACHE: rel(files.cache),
  PAR_KEYSTORE: rel(keystore(name)),
  PAR_PASSPHRASE: `devnet-${name}`,
});

const par = (args: string[], name: string) => run("node", ["keepers/bin/par.js", ...args], envFor(name));

/**
 * The saved devnet to carry on from, or undefined to start clean; says which. A plain run
 * resumes when there is something to resume.
 */
function chooseStart(): { chain: SavedChain; accounts: Accounts } | undefined {
  if (flags.fresh && flags.resume) throw new Error("give --fresh or --resume, not both");
  // devnet.json is written once the setup is done: a chain saved without it cannot be resumed.
  const chain = flags.fresh || !existsSync(files.accounts) ? undefined : readSavedChain(files.chain);
  if (!chain) {
    if (flags.resume) throw new Error(`--resume: there is no complete saved devnet in ${rel(dir)}; run without --resume to start one`);
    log(`starting a fresh devnet in ${rel(dir)} (${flags.fresh ? "--fresh: anything saved there is wiped" : "nothing complete saved there to resume"})`);
    return undefined;
  }
  const txs = chain.blocks.reduce((n, b) => n + b.txs.length, 0);
  const last = chain.blocks.at(-1);
  log(`resuming the devnet saved in ${rel(dir)}: ${chain.blocks.length} blocks, ${txs} transactions, the last mined ${last ? new Date(last.timestamp * 1000).toISOString() : chain.genesis.date} (--fresh starts clean instead)`);
  return { chain, accounts: JSON.parse(readFileSync(files.accounts, "utf8")) };
}

/** Starts the chain; resolves with a client once it answers. The devnet stops if the chain exits. */
async function startChain(genesisDate?: string): Promise<PublicClient> {
  const chain: Service = {
    name: "chain",
    cmd: "npx",
    args: ["hardhat", "node", "--network", "devnet", "--hostname", "127.0.0.1", "--port", String(port)],
    env: genesisDate ? { PARADIGM_DEVNET_GENESIS: genesisDate } : {},
  };
  const child = supervisor.watch(chain, (why) => {
    log(`${why}: every other process lives on the chain, so the devnet stops`);
    void stop(1);
  });
  log(`starting the chain on ${rpc} (pid ${child.pid})`);
  const client = createPublicClient({ transport: http(rpc, { retryCount: 0 }) }) as PublicClient;
  await waitForRpc(client);
  return client;
}

/** Deploys Paradigm and creates, funds and registers the keepers and the agent. */
async function setUp(): Promise<Accounts> {
  // the canary service's key first: deployment grants it the Attestor's CANARY_ROLE
  const canary = (await par(["keeper", "init", "--json"], "canary")).match(/0x[0-9a-fA-F]{40}/)![0] as Address;
  await fundFromNode(rpc, canary, parseEther("100"));
  log("deploying Paradigm (genesis models approved, deployer admin renounced)");
  await run("npx", ["hardhat", "build"]); // compiler warnings go nowhere; errors throw
  // Ignition's journal of an earlier chain 31337 would make it skip the deployment on this one.
  rmSync(path.join(root, "deploy/deployments/chain-31337"), { recursive: true, force: true });
  const deployed = await run("npx", ["hardhat", "run", "--no-compile", "--network", "localhost", "deploy/deploy.ts"], {
    PARADIGM_CANARY: canary,
    PARADIGM_RPC_PORT: String(port),
    PAR_DEPLOYMENTS: deployments,
  });
  process.stdout.write(deployed.split("\n").filter((l) => !l.startsWith("npm warn")).join("\n"));
  // Gas money only: ETH from the node's own account. No PAR exists; keepers earn it.
  const account = async (name: string) => {
    const address = (await par(["keeper", "init", "--json"], name)).match(/0x[0-9a-fA-F]{40}/)![0] as Address;
    await fundFromNode(rpc, address, parseEther("100"));
    if (name.startsWith("keeper-")) {
      await par(["keeper", "stake", "0", "--models", "1,2,3,4", "--hardware", "cpu"], name);
      log(`${name} ${address} registered (stake 0, models 1,2,3,4: the policy model too)`);
    }
    return address;
  };
  const names = Array.from({ length: KEEPERS }, (_, i) => `keeper-${i + 1}`);
  // "you": yours, to bring a model (docs/models.md) or post tasks without racing the agent's nonces
  const [agent, you, ...keepers] = await Promise.all(["agent", "you", ...names].map(account));
  log(`requester agent ${agent}, canary service ${canary}`);
  return { keepers: names.map((name, i) => ({ name, address: keepers[i] })), agent, you, canary };
}

/** Runs the keepers and the agent, restarting any that exits; prints each one's command line as it starts. */
async function startServices(accounts: Accounts) {
  const announce = (service: Service) => (child: { pid?: number }, restarts: number) =>
    log(`${service.name} ${restarts ? "restarted" : "started"} (pid ${child.pid}): ${commandLine(service)}`);
  if (accounts.canary) {
    const canary: Service = { name: "canary", cmd: "node", args: ["--import", "tsx", "deploy/canary.ts"], env: envFor("canary") };
    supervisor.keep(canary, announce(canary));
  }
  for (const { name } of accounts.keepers) {
    const args = ["keepers/bin/par.js", "keeper", "run", "--status-every", "0", "--metrics-port", String(await freePort())];
    const keeper: Service = { name, cmd: "node", args, env: envFor(name) };
    supervisor.keep(keeper, announce(keeper));
  }
  const agent: Service = { name: "agent", cmd: "node", args: ["--import", "tsx", "deploy/agent.ts"], env: envFor("agent"), echo: true };
  supervisor.keep(agent, announce(agent));
  const indexer = await indexerService();
  supervisor.keep(indexer.service, announce(indexer.service));
  return { indexerUrl: indexer.url };
}

/**
 * The indexer (subgraph/, Ponder) on this devnet's chain, with its PGlite database in --dir. It
 * indexes from the deployment block each time the devnet starts: a replayed chain has new block
 * hashes, which an index of the old one would take for a reorg deeper than finality.
 */
async function indexerService(): Promise<{ service: Service; url: string }> {
  const data = path.join(dir, "indexer");
  rmSync(data, { recursive: true, force: true });
  const indexerPort = port === 8545 ? 42069 : await freePort();
  const service: Service = {
    name: "indexer",
    cmd: "node",
    args: ["node_modules/ponder/dist/esm/bin/ponder.js", "--root", "subgraph", "start", "--port", String(indexerPort), "--schema", "paradigm", "--log-level", "warn"],
    env: {
      PONDER_TELEMETRY_DISABLED: "true",
      PONDER_RPC_URL: rpc,
      PONDER_CHAIN_ID: "31337",
      PAR_DEPLOYMENTS: deployments,
      PONDER_PGLITE_DIR: data,
    },
  };
  return { service, url: `http://127.0.0.1:${indexerPort}` };
}

/** Builds the dApp (frontend/) and serves it with this devnet's configuration; returns its URL. */
async function startDapp(book: ReturnType<typeof loadAddressBook>, indexerUrl: string): Promise<string> {
  log("building the dApp (frontend/)");
  await run("npm", ["run", "build", "-w", "frontend"]);
  const dapp = await serveDapp({ port: port === 8545 ? 5173 : await freePort(), config: configFromBook(book, rpc, indexerUrl) });
  return dapp.url;
}

/** How to run one more keeper by hand, with the first keeper name whose keystore does not exist yet. */
function printOneMoreKeeper() {
  let n = KEEPERS + 1;
  while (existsSync(keystore(`keeper-${n}`))) n++;
  const { PAR_PASSPHRASE: _, ...env } = envFor(`keeper-${n}`);
  log(`one more keeper, by hand: in another shell, from ${root}`);
  for (const line of [
    `export ${Object.entries(env).map(([k, v]) => `${k}=${shellWord(v)}`).join(" ")}`,
    "npx par keeper init                                  # asks for a passphrase (or set PAR_PASSPHRASE)",
    "npx par faucet                                       # ETH for gas; PAR is earned, never handed out",
    "npx par keeper stake 0 --models 1,2,3,4 --hardware cpu # register, zero stake at genesis",
    "npx par keeper run",
  ]) {
    log(`  ${line}`);
  }
}

async function main() {
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  const saved = chooseStart();
  if (!saved) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });

  const client = await startChain(saved?.chain.genesis.date);
  let accounts: Accounts;
  if (saved) {
    const t0 = Date.now();
    await replayChain(client, saved.chain, rel(files.chain));
    log(`replayed ${saved.chain.blocks.length} blocks in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    accounts = saved.accounts;
  } else {
    await saveGenesis(client, files.chain);
  }
  // The first block sets the chain's clock to the wall clock, which later blocks follow: after a
  // replay the time the devnet was off has passed, and a fresh node's clock starts from when
  // Hardhat read its config, a second or more before it started.
  const latest = await client.getBlock();
  const firstBlockAt = Math.max(Number(latest.timestamp) + 1, Math.round(Date.now() / 1000 + BLOCK_MS / 1000));
  await client.request({ method: "evm_setNextBlockTimestamp", params: [firstBlockAt] } as never);
  await client.request({ method: "evm_setIntervalMining", params: [BLOCK_MS] } as never);
  // Nothing was mined before the interval started, so the recorder misses no block.
  recorder = recordChain(client, files.chain, latest.number + 1n, log);
  if (!saved) {
    accounts = await setUp();
    writeFileSync(files.accounts, JSON.stringify(accounts, null, 2) + "\n");
  }
  const { indexerUrl } = await startServices(accounts!);
  const book = loadAddressBook(addressBookPath(await client.getChainId(), deployments));
  const dappUrl = await startDapp(book, indexerUrl);
  if (accounts!.you) log(`your account ${accounts!.you} (gas, no PAR): export PAR_KEYSTORE=${rel(keystore("you"))} PAR_PASSPHRASE=devnet-you`);
  log("governance: the GenesisGuardian's guardian is the deployer, unlocked on this node: `par models approve <id> --devnet` approves a model through the timelock");
  log(`indexer: GraphQL at ${indexerUrl}/graphql, SQL at ${indexerUrl}/sql (data in ${rel(dir)}/indexer; see docs/indexer.md)`);
  log(`dApp: ${dappUrl} — MetaMask: the page adds the network (chain id 31337, RPC ${rpc})`);
  if (accounts!.you) log(`  import your account ${accounts!.you} by its private key ${loadKeystore(keystore("you"), "devnet-you")} (devnet only): it has ETH for gas; PAR is earned (docs/dapp.md)`);
  log(`network running — Ctrl-C stops everything; logs in ${rel(dir)}/`);
  printOneMoreKeeper();
  for (;;) {
    await new Promise((r) => setTimeout(r, 5_000));
    if (stopping) return;
    try {
      const s = await readNetwork(client, book, accounts!.keepers.map((k) => k.address));
      const perKeeper = accounts!.keepers.map((k, i) => `${k.name} ${s.keepers[i].tasks} tasks ${formatPar(s.keepers[i].earned)} PAR`).join(" | ");
      const policy = s.policy
        ? ` · policy for epoch ${s.policy.epoch}: ${s.policy.multiplierBps} bps, fee ${s.policy.minFeePerCU}/CU${s.policy.accepted ? "" : " (refused)"}, last applied ${s.policy.appliedMultiplierBps ?? "-"} bps`
        : "";
      log(`epoch ${s.epoch} · posted ${s.posted} · finalized ${s.finalized} · policy tasks ${s.policyTasks}${policy} · ${perKeeper}`);
    } catch (e) {
      log(`summary skipped: ${(e as Error).message.split("\n")[0]}`); // the chain's own exit stops the devnet
    }
  }
}

main().catch((e) => {
  console.error(`[devnet] ${(e as Error).message}`);
  void stop(1);
});
