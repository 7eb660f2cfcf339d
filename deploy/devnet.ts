/**
 * The devnet: what the network's founder runs to kick-start Paradigm on a laptop.
 *
 *   1. a local chain (`hardhat node --network devnet`: instant mining plus a block a second);
 *   2. Paradigm deployed with the genesis models approved (deploy/deploy.ts);
 *   3. two keepers, each with its own encrypted keystore, registered with zero stake (genesis:
 *      nobody holds PAR) and running `par keeper run`;
 *   4. a requester agent that keeps posting tasks;
 *   5. a summary line every few seconds: tasks done, PAR earned per keeper.
 *
 * Ctrl-C stops every process it started. State lives in .devnet/ (logs, keystores, model cache).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync, createWriteStream } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http, parseEther, type Address } from "viem";
import { hardhat } from "viem/chains";
import { formatPar } from "../keepers/src/amounts.js";
import { loadAddressBook, addressBookPath } from "../keepers/src/chain/addresses.js";
import { readNetwork } from "./devnet-status.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const stateDir = path.join(root, ".devnet");
const port = Number(process.env.PARADIGM_RPC_PORT ?? 8545);
const rpc = `http://127.0.0.1:${port}`;
const KEEPERS = 2;
const children: ChildProcess[] = [];
let stopping = false;

const log = (msg: string) => console.log(`[devnet] ${msg}`);

/** Starts a child in its own process group; its output goes to a log file and, if `echo`, here. */
function start(name: string, cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; echo?: boolean } = {}) {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...opts.env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const file = createWriteStream(path.join(stateDir, `${name}.log`));
  for (const stream of [child.stdout!, child.stderr!]) {
    stream.pipe(file, { end: false });
    if (opts.echo) {
      let rest = "";
      stream.on("data", (d: Buffer) => {
        const lines = (rest + d.toString()).split("\n");
        rest = lines.pop()!;
        for (const line of lines) if (line.trim()) console.log(`[${name}] ${line}`);
      });
    }
  }
  children.push(child);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); see .devnet/${name}.log — stopping`);
      void stop(1);
    }
  });
  return child;
}

/** Runs a command to completion; throws with its output if it fails. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} failed:\n${out}`))));
  });
}

/** Whether any process of `child`'s group is still alive. */
const groupAlive = (child: ChildProcess) => {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops `child`'s whole process group: SIGTERM, then SIGKILL if it is still there after
 * `graceMs`. Resolves once no process of the group is left.
 */
async function stopGroup(child: ChildProcess, graceMs: number) {
  if (!child.pid || !groupAlive(child)) return;
  process.kill(-child.pid, "SIGTERM");
  for (const until = Date.now() + graceMs; groupAlive(child) && Date.now() < until; ) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(child)) {
    log(`process group ${child.pid} still running after ${graceMs / 1000} s: killing it`);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
}

/**
 * Stops the agent and the keepers first, so that their last transactions are still mined and
 * their final logs written, then the chain.
 */
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log("stopping…");
  const [chain, ...others] = children;
  await Promise.all(others.map((c) => stopGroup(c, 20_000)));
  if (chain) await stopGroup(chain, 5_000);
  log("stopped");
  process.exit(code);
}

async function waitForRpc(timeoutMs = 60_000) {
  const client = createPublicClient({ transport: http(rpc) });
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await client.getChainId();
    } catch {
      if (Date.now() > until) throw new Error(`the chain did not answer on ${rpc} within ${timeoutMs / 1000}s; see .devnet/chain.log`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const par = (args: string[], env: NodeJS.ProcessEnv) => run("node", [path.join(root, "keepers/bin/par.js"), ...args], env);

async function main() {
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  rmSync(stateDir, { recursive: true, force: true });
  rmSync(path.join(root, "deploy/deployments/chain-31337"), { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });

  log(`starting the chain on ${rpc}`);
  start("chain", "npx", ["hardhat", "node", "--network", "devnet", "--hostname", "127.0.0.1", "--port", String(port)]);
  const chainId = await waitForRpc();

  log("deploying Paradigm (genesis models approved, deployer admin renounced)");
  await run("npx", ["hardhat", "build"]); // compiler warnings go nowhere; errors throw
  const deployed = await run("npx", ["hardhat", "run", "--no-compile", "--network", "localhost", "deploy/deploy.ts"], { PARADIGM_PROFILE: "devnet" });
  process.stdout.write(deployed.split("\n").filter((l) => !l.startsWith("npm warn")).join("\n"));
  const book = loadAddressBook(addressBookPath(chainId, path.join(root, "deploy/deployments")));

  // Gas money only: the devnet's prefunded account pays ETH for transactions. No PAR exists.
  const faucet = createWalletClient({ chain: { ...hardhat, id: chainId }, transport: http(rpc) });
  const [funder] = await faucet.getAddresses();
  const common = { PAR_RPC: rpc, PAR_DEPLOYMENTS: path.join(root, "deploy/deployments"), PAR_CACHE: path.join(stateDir, "models") };
  /** A keystore .devnet/<name>.keystore.json (passphrase devnet-<name>) for an account with 100 ETH of gas. */
  const account = async (name: string) => {
    const env = { ...common, PAR_KEYSTORE: path.join(stateDir, `${name}.keystore.json`), PAR_PASSPHRASE: `devnet-${name}` };
    const address = (await par(["keeper", "init", "--json"], env)).match(/0x[0-9a-fA-F]{40}/)![0] as Address;
    await faucet.sendTransaction({ account: funder, to: address, value: parseEther("100") });
    return { env, address };
  };
  const keepers: { name: string; address: Address }[] = [];
  for (let i = 1; i <= KEEPERS + 1; i++) {
    const name = i <= KEEPERS ? `keeper-${i}` : "agent";
    const { env, address } = await account(name);
    if (name === "agent") {
      log(`requester agent ${address}`);
      start(name, "node", ["--import", "tsx", path.join(root, "deploy/agent.ts")], { env, echo: true });
    } else {
      await par(["keeper", "stake", "0", "--models", "1,2,3", "--hardware", "cpu"], env);
      log(`${name} ${address} registered (stake 0, models 1,2,3)`);
      start(name, "node", [path.join(root, "keepers/bin/par.js"), "keeper", "run", "--status-every", "0", "--metrics-port", String(9463 + i)], { env });
      keepers.push({ name, address });
    }
  }

  // Yours, to bring a model (docs/models.md) or post tasks without racing the agent's nonces.
  const you = await account("you");
  log(`your account ${you.address} (gas, no PAR): export PAR_KEYSTORE=.devnet/you.keystore.json PAR_PASSPHRASE=devnet-you`);
  log(`governance: the GenesisGuardian's guardian is the deployer ${funder}, unlocked on this node: \`par models approve <id> --devnet\` approves a model through the timelock`);
  log("network running — Ctrl-C stops everything; logs in .devnet/");
  const client = createPublicClient({ transport: http(rpc) });
  for (;;) {
    await new Promise((r) => setTimeout(r, 5_000));
    if (stopping) return;
    const s = await readNetwork(client, book, keepers.map((k) => k.address));
    const perKeeper = keepers.map((k, i) => `${k.name} ${s.keepers[i].tasks} tasks ${formatPar(s.keepers[i].earned)} PAR`).join(" | ");
    log(`epoch ${s.epoch} · posted ${s.posted} · finalized ${s.finalized} · ${perKeeper}`);
  }
}

main().catch((e) => {
  console.error(`[devnet] ${(e as Error).message}`);
  void stop(1);
});
