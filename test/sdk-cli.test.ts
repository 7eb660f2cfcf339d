import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createKeystore } from "../keepers/src/keystore.js";
import { createMetrics, serveMetrics } from "../keepers/src/telemetry.js";
import { network } from "hardhat";
import { parseEther } from "viem";
import { fundedKey, liveChain, serveRpc, writeBook } from "./helpers/sdk-chain.js";

const run = promisify(execFile);
async function par(args: string[], env: Record<string, string | undefined> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ["keepers/bin/par.js", ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe("par CLI", function () {
  this.timeout(60_000);

  it("documents every command group and its options in --help", async () => {
    const top = await par(["--help"]);
    for (const cmd of ["keeper", "task", "wallet", "faucet", "models"]) assert.match(top.stdout, new RegExp(`\\n  ${cmd} `));
    const keeper = await par(["keeper", "--help"]);
    for (const cmd of ["init", "stake", "unstake", "withdraw", "status", "run"]) assert.match(keeper.stdout, new RegExp(`\\n  ${cmd}`));
    assert.match((await par(["keeper", "run", "--help"])).stdout, /--sample-rate <r>[\s\S]*--metrics-port <port>/);
    assert.match((await par(["task", "post", "--help"])).stdout, /--input-json <file>[\s\S]*--lot-json <file>/);
    assert.match((await par(["models", "register", "--help"])).stdout, /--uri <uri>[\s\S]*--cu <n>[\s\S]*--max-dim <n>/);
    assert.match((await par(["keeper", "models", "--help"])).stdout, /\n  add \[options\] <id>/);
    const wallet = await par(["wallet", "--help"]);
    for (const cmd of ["balance", "send", "deposit", "withdraw", "address"]) assert.match(wallet.stdout, new RegExp(`\\n  ${cmd}`));
  });

  it("runs through npx without npm warnings about the project's .npmrc (was: Unknown project config \"onnxruntime-node-install\")", async () => {
    const { stdout, stderr } = await run("npx", ["par", "--help"]);
    assert.match(stdout, /Usage: par/);
    assert.doesNotMatch(stderr, /Unknown \w+ config/);
  });

  it("rejects a ninth PAR decimal, a bad address and two inputs at once before touching the chain", async () => {
    const a = await par(["keeper", "stake", "1.000000001"]);
    assert.equal(a.code, 1);
    assert.match(a.stderr, /par: <amount>: "1.000000001" has 9 decimals; PAR has at most 8/);
    const b = await par(["wallet", "send", "0x1234", "1"]);
    assert.equal(b.code, 1);
    assert.match(b.stderr, /"0x1234" is not an address/);
    const c = await par(["task", "post", "--model", "1", "--input-json", "a.json", "--lot-json", "b.json"]);
    assert.equal(c.code, 1);
    assert.match(c.stderr, /give exactly one of --input <file>, --input-json <file>, --sample <key>, --lot-json <file>/);
  });

  it("refuses --input-json and --lot-json elements that are not finite numbers, naming the input and the element, and posts nothing", async () => {
    const { conn, fx, url, server } = await liveChain();
    try {
      const dir = mkdtempSync(path.join(tmpdir(), "par-cli-"));
      const keystore = path.join(dir, "ks.json");
      createKeystore(keystore, "pw", { privateKey: await fundedKey(conn, fx, 10n ** 8n), n: 1 << 12 });
      const post = (flag: string, json: unknown) => {
        const file = path.join(dir, `${flag.slice(2)}.json`);
        writeFileSync(file, JSON.stringify(json));
        return par(["--rpc", url, "--addresses", writeBook(fx.book), "--keystore", keystore, "task", "post", "--model", String(fx.modelIds.mlp), flag, file], { PAR_PASSPHRASE: "pw" });
      };
      const next = await fx.market.read.nextTaskId();
      const one = await post("--input-json", { x: { dims: [1, 4], data: [0.1, "abc", 0.3, 0.4] } });
      assert.match(one.stderr, /par: input "x": element 1 is the string "abc"; give a finite number/);
      assert.equal(one.code, 1);
      const lot = await post("--lot-json", [{ x: { dims: [1, 4], data: [1, 2, 3, 4] } }, { x: { dims: [1, 4], data: [1, 2, 3, null] } }]);
      assert.match(lot.stderr, /par: input 1: input "x": element 3 is null; give a finite number/);
      assert.equal(lot.code, 1);
      assert.equal(await fx.market.read.nextTaskId(), next, "no task was posted");
    } finally {
      server.close();
    }
  });

  it("names a malformed JSON file and where it breaks: --input-json, --lot-json, a keystore, an address book", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "par-cli-"));
    const bad = (name: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, '{"x": {"dims": [1, 4], "data": [0.1, 0.2, 0.3, 0.4,]}}');
      return file;
    };
    const names = (what: string, file: string) => new RegExp(`^par: ${what} ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: Unexpected token '\\]', .*0\\.4,\\]}}" is not valid JSON$`, "m");
    const down = ["--rpc", "http://127.0.0.1:9"]; // the file is read before the chain is reached
    for (const flag of ["--input-json", "--lot-json"]) {
      const file = bad(`${flag.slice(2)}.json`);
      const r = await par([...down, "task", "post", "--model", "1", flag, file]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, names(flag, file));
    }
    const keystore = bad("keystore.json");
    assert.match((await par(["--keystore", keystore, "wallet", "address"], { PAR_PASSPHRASE: "pw" })).stderr, names("keystore", keystore));
    const rpc = createServer((req, res) => req.resume().on("end", () => res.end('{"jsonrpc":"2.0","id":0,"result":"0x7a69"}'))); // chain 31337
    await new Promise<void>((r) => rpc.listen(0, "127.0.0.1", r));
    try {
      const book = bad("31337.json");
      const r = await par(["--rpc", `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`, "--addresses", book, "models", "list"]);
      assert.match(r.stderr, names("address book", book));
    } finally {
      rpc.close();
    }
  });

  it("names the RPC it cannot reach and says how to fix it", async () => {
    const r = await par(["--rpc", "http://127.0.0.1:9", "wallet", "balance", "0x0000000000000000000000000000000000000001"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach the RPC at http:\/\/127.0.0.1:9 .*pass --rpc <url>/);
  });

  it("says which address has no ETH for gas, on which chain, and how to get some, instead of \"Missing or invalid parameters\"", async () => {
    const { fx, url, server } = await liveChain();
    try {
      const keystore = path.join(mkdtempSync(path.join(tmpdir(), "par-cli-")), "ks.json");
      const { address } = createKeystore(keystore, "pw", { n: 1 << 12 });
      const r = await par(["--rpc", url, "--addresses", writeBook(fx.book), "--keystore", keystore, "keeper", "stake", "0", "--models", "1"], { PAR_PASSPHRASE: "pw" });
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `par: ${address} has no ETH to pay gas on chain 31337: on the devnet run \`par faucet ${address}\`; elsewhere fund it`);
    } finally {
      server.close();
    }
  });

  it("`par faucet` sends ETH to a keystore's address on a local chain, says PAR cannot be handed out and how to earn it, and refuses any other chain", async () => {
    const { conn, url, server } = await liveChain();
    const other = await serveRpc(await network.create({ override: { chainId: 8453 } }));
    try {
      const keystore = path.join(mkdtempSync(path.join(tmpdir(), "par-cli-")), "ks.json");
      const { address } = createKeystore(keystore, "pw", { n: 1 << 12 });
      const r = await par(["--rpc", url, "--keystore", keystore, "faucet", "--eth", "2.5"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`address +${address}\\nETH +\\+2\\.5\\n`));
      assert.match(r.stdout, /PAR +none: PAR has no premine and the emission pool is its only minter.*earn it as a keeper.*par wallet send/);
      assert.equal(await (await conn.viem.getPublicClient()).getBalance({ address }), parseEther("2.5"));
      const refused = await par(["--rpc", other.url, "faucet", address]);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /par: the faucet only works on a local devnet \(chain 31337, hardhat node or anvil\); http:\/\/127\.0\.0\.1:\d+ is chain 8453/);
    } finally {
      server.close();
      other.server.close();
    }
  });

  it("creates an encrypted keystore with `keeper init` and tells how to create one when missing", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "par-cli-")), "ks.json");
    const init = await par(["--keystore", file, "--json", "keeper", "init"], { PAR_PASSPHRASE: "pw" });
    assert.equal(init.code, 0, init.stderr);
    const { address } = JSON.parse(init.stdout);
    assert.equal(JSON.parse(readFileSync(file, "utf8")).address, address.slice(2).toLowerCase());
    const again = await par(["--keystore", file, "keeper", "init"], { PAR_PASSPHRASE: "pw" });
    assert.match(again.stderr, /already exists; refusing to overwrite/);
    const missing = await par(["--keystore", file + ".nope", "wallet", "address"], { PAR_PASSPHRASE: "pw" });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no keystore at .*ks.json.nope; create one with `par keeper init`/);
  });

  it("reads your address from the keystore without a passphrase (wallet address, wallet balance, keeper status); a command that signs still asks for it", async () => {
    const { conn, fx, url, server } = await liveChain();
    try {
      const keystore = path.join(mkdtempSync(path.join(tmpdir(), "par-cli-")), "ks.json");
      const { address } = createKeystore(keystore, "pw", { privateKey: await fundedKey(conn, fx, 10n ** 8n), n: 1 << 12 });
      const noPassphrase = { PAR_PASSPHRASE: undefined }; // and stdin is not a terminal: nothing to prompt on
      const cmd = (...args: string[]) => par(["--rpc", url, "--addresses", writeBook(fx.book), "--keystore", keystore, "--json", ...args], noPassphrase);
      const shown = await cmd("wallet", "address");
      assert.equal(shown.code, 0, shown.stderr);
      assert.deepEqual(JSON.parse(shown.stdout), { address });
      const balance = await cmd("wallet", "balance");
      assert.equal(balance.code, 0, balance.stderr);
      assert.deepEqual([JSON.parse(balance.stdout).address, JSON.parse(balance.stdout).PAR], [address, "1"]);
      const status = await cmd("keeper", "status");
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual([JSON.parse(status.stdout).keeper, JSON.parse(status.stdout).registered], [address, false]);
      assert.match((await cmd("wallet", "send", address, "0.5")).stderr, /no passphrase: set PAR_PASSPHRASE/);
      const wrong = await par(["--rpc", url, "--addresses", writeBook(fx.book), "--keystore", keystore, "wallet", "send", address, "0.5"], { PAR_PASSPHRASE: "nope" });
      assert.match(wrong.stderr, /wrong passphrase/);
    } finally {
      server.close();
    }
  });

  it("serves Prometheus metrics at /metrics", async () => {
    const m = createMetrics();
    m.inc("par_tasks_submitted_total", 3);
    m.observe("par_inference_ms", 2.5);
    const server = await serveMetrics(m, 0);
    const port = (server.address() as { port: number }).port;
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    server.close();
    assert.match(text, /# TYPE par_tasks_submitted_total counter\npar_tasks_submitted_total 3/);
    assert.match(text, /par_inference_ms_sum 2.5\npar_inference_ms_count 1/);
  });
});
