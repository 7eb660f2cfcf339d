/**
 * Bringing your own model (docs/models.md), on the protocol as the devnet deploys it (Ignition,
 * GenesisGuardian and timelock, deployer admin renounced): register an .onnx file, approve it
 * through the guardian and the timelock, make a keeper serve it, run a task, count its servers.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { network } from "hardhat";
import onnxPkg from "onnx-proto";
import { keccak256, parseEther, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { deployParadigm } from "../deploy/deployment.js";
import { DEVNET } from "../deploy/profiles.js";
import { LUMA_INPUTS, LUMA_OUTPUTS } from "../keepers/examples/luma.js";
import type { AddressBook } from "../keepers/src/chain/addresses.js";
import { createKeystore, getModel, loadKeystore, MODELS, modelFromFile, modelServers, paradigmFrom, readOnnxSignature, sha256, specStruct, startKeeper } from "../keepers/src/index.js";
import type { Keeper } from "../keepers/src/keeper/index.js";
import { createLogger } from "../keepers/src/telemetry.js";
import { clientsFor, registerKeeper, serveRpc, writeBook, type Connection } from "./helpers/sdk-chain.js";

const { onnx } = onnxPkg;
const run = promisify(execFile);
const LUMA = "keepers/models/luma.onnx";
/** Where docs/models.md has keepers fetch it: the file ships inside the npm package @paradigm/keepers. */
const LUMA_URI = "npm:@paradigm/keepers/models/luma.onnx";
/** Not the devnet's 60 s: the command must wait what the chain says. */
const TIMELOCK_DELAY = 4n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("bring your own model: register an .onnx file, approve it, serve it (docs/models.md)", function () {
  this.timeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), "par-byo-"));
  const cache = path.join(dir, "cache");
  let conn: Connection;
  let book: AddressBook;
  let url: string;
  let close: () => void;
  let id: number;
  let serving: Address; // the keeper that adds the model first
  const keepers: Keeper[] = [];
  const events: { event: string; fields: Record<string, unknown> }[] = [];

  /** A fresh key with gas, in a keystore; its clients. */
  async function account(name: string) {
    const key = generatePrivateKey();
    await conn.networkHelpers.setBalance(privateKeyToAccount(key).address, parseEther("100"));
    const keystore = path.join(dir, `${name}.json`);
    createKeystore(keystore, "pw", { privateKey: key, n: 1 << 12 });
    return { key, keystore, c: clientsFor(url, book, key) };
  }

  async function par(args: string[], keystore = path.join(dir, "none.json")) {
    const env = { ...process.env, PAR_PASSPHRASE: "pw" };
    const argv = ["keepers/bin/par.js", "--rpc", url, "--addresses", writeBook(book), "--keystore", keystore, "--cache", cache, ...args];
    try {
      const { stdout, stderr } = await run(process.execPath, argv, { env });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code: number; stdout: string; stderr: string };
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  before(async () => {
    conn = await network.create();
    ({ book } = await deployParadigm(conn, {
      ...DEVNET,
      // the unbonding period stays below the timelock's delay (the registry refuses it otherwise)
      parameters: { ...DEVNET.parameters, timelockDelay: TIMELOCK_DELAY, unbondingPeriod: TIMELOCK_DELAY - 1n },
      genesisModels: [specStruct(MODELS.mlp)],
      attestation: false, // no canary service here to benchmark its keepers
    }));
    const served = await serveRpc(conn);
    url = served.url;
    close = () => served.server.close();
    await conn.provider.request({ method: "evm_setIntervalMining", params: [1000] });
  });
  after(async () => {
    await Promise.all(keepers.map((k) => k.stop()));
    close();
  });

  it("reads the spec of an .onnx file, asks for what it cannot read, and proposes it with the file's IO and sha256", async () => {
    // a real third-party model: symbolic dims ("batch", "sequence") and a scalar input
    assert.deepEqual(await readOnnxSignature(MODELS.silero.bytes()), { inputs: MODELS.silero.inputs, outputs: MODELS.silero.outputs });
    // ONNX Runtime reports a tensor without a declared shape as a scalar: refused, not registered as one
    const info = (name: string, shape?: object) => ({ name, type: { tensorType: { elemType: 1, ...(shape && { shape }) } } });
    const graph = { name: "g", node: [{ opType: "Relu", input: ["x"], output: ["y"] }], input: [info("x")], output: [info("y", { dim: [{ dimParam: "N" }] })] };
    const unshaped = onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 7, opsetImport: [{ version: 13 }], graph })).finish();
    await assert.rejects(readOnnxSignature(unshaped), /input "x" declares no shape, so its rank is unknown/);
    await assert.rejects(readOnnxSignature(new Uint8Array([1, 2, 3])), /ONNX Runtime, which keepers run, cannot load this model/);

    const proposer = await account("proposer");
    const noCu = await par(["models", "register", LUMA], proposer.keystore);
    assert.equal(noCu.code, 1);
    assert.match(noCu.stderr, /par: computeUnits \(--cu <n>\) is missing/);
    const noLimit = await par(["models", "register", LUMA, "--cu", "1"], proposer.keystore);
    assert.match(noLimit.stderr, /par: maxInputBytes \(--max-input-bytes\) is missing: rgb \[\?,3\] has dynamic dims; .*--max-dim <n>/);
    assert.equal(await proposer.c.contracts.models.read.modelCount(), 1, "nothing proposed");

    const wrongUri = await par(["models", "register", LUMA, "--cu", "1", "--max-dim", "1024", "--uri", MODELS.mlp.uri], proposer.keystore);
    assert.match(wrongUri.stderr, /par: npm:@paradigm\/keepers\/models\/mlp.onnx serves other bytes than keepers\/models\/luma.onnx .*--uri must serve this very file/);
    assert.equal(await proposer.c.contracts.models.read.modelCount(), 1, "nothing proposed");
    // without --uri, the file's own file: URL (for keepers on this machine)
    assert.equal((await modelFromFile(LUMA, { computeUnits: 1, maxDim: 1 })).uri, pathToFileURL(path.resolve(LUMA)).href);

    const out = await par(["--json", "models", "register", LUMA, "--uri", LUMA_URI, "--cu", "1", "--max-dim", "1024"], proposer.keystore);
    assert.equal(out.code, 0, out.stderr);
    id = JSON.parse(out.stdout).id;
    const m = await getModel(proposer.c, id);
    assert.equal(m.status, "Proposed");
    assert.deepEqual(m.inputs, LUMA_INPUTS);
    assert.deepEqual(m.outputs, LUMA_OUTPUTS);
    assert.equal(m.modelHash, sha256(readFileSync(LUMA)));
    assert.equal(m.uri, LUMA_URI);
    assert.deepEqual(
      { cu: m.computeUnits, decimals: m.outputDecimals, tolerance: m.tolerance, maxIn: m.maxInputBytes, maxOut: m.maxOutputBytes },
      { cu: 1, decimals: 4, tolerance: 2, maxIn: 1 + (1 + 2 * 4 + 1024 * 3), maxOut: 1024 * 2 * 8 },
    );
    const again = await par(["models", "register", LUMA, "--uri", LUMA_URI, "--cu", "1", "--max-dim", "1024"], proposer.keystore);
    assert.match(again.stderr, new RegExp(`already registered as model ${id}`));
  });

  it("approves it on the devnet through the GenesisGuardian and the timelock, waiting the delay the chain sets", async () => {
    const refused = await par(["models", "approve", String(id)]);
    assert.match(refused.stderr, /only governance approves models\. On the devnet pass --devnet/);
    const out = await par(["--json", "models", "approve", String(id), "--devnet"]);
    assert.equal(out.code, 0, out.stderr);
    const steps = out.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(steps.map((s) => s.step), ["scheduled", "waiting", "executed", "approved"]);
    assert.equal(steps[0].delay, Number(TIMELOCK_DELAY));
    const c = clientsFor(url, book, generatePrivateKey());
    assert.equal((await getModel(c, id)).status, "Approved");
    assert.equal(await c.contracts.timelock!.read.isOperationDone([steps[0].operation as Hex]), true, "approved by the timelock's operation");
    const [deployer] = await conn.viem.getWalletClients();
    assert.equal((await c.contracts.guardian!.read.guardian()).toLowerCase(), deployer.account.address.toLowerCase(), "the devnet's guardian is the deployer");
  });

  it("a running keeper serves it once `par keeper models add` lists it: a task runs and its result verifies", async () => {
    const keeper = await account("keeper-1");
    await registerKeeper(keeper.c, [1], 0n); // serves the genesis MLP only
    serving = keeper.c.account!.address;
    const log = (event: string, fields: Record<string, unknown> = {}) => events.push({ event, fields });
    const key = loadKeystore(keeper.keystore, "pw");
    keepers.push(await startKeeper({ clients: clientsFor(url, book, key), cacheDir: cache, saltSecret: keccak256(key), poolSize: 1, pollMs: 200, log }));

    const out = await par(["--json", "keeper", "models", "add", String(id)], keeper.keystore);
    assert.equal(out.code, 0, out.stderr);
    const added = JSON.parse(out.stdout);
    assert.equal(added.models, `1,${id}`);
    assert.equal(added.cached, path.join(cache, `${sha256(readFileSync(LUMA)).slice(2)}.onnx`));
    for (let i = 0; i < 100 && !events.some((e) => e.event === "model.added" && e.fields.model === id); i++) await sleep(100);
    assert.ok(events.some((e) => e.event === "model.added" && e.fields.model === id), "the running keeper loaded the model");

    const requester = await account("requester"); // holds no PAR: zero-fee tasks, as at genesis
    const r = await paradigmFrom(requester.c).infer(id, { rgb: { dims: [3, 3], data: [255, 255, 255, 0, 0, 0, 200, 100, 50] } }, { fee: 0n, timeoutMs: 60_000 });
    assert.equal(r.keeper.toLowerCase(), keeper.c.account!.address.toLowerCase());
    assert.equal(keccak256(r.output), r.resultHash, "verified against the commitment that stood");
    assert.deepEqual(r.outputs.map((o) => [o.name, o.values]), [["luma", [255, 0, 124.2]], ["bright", [1n, 0n, 0n]]]);
  });

  it("`par models show` counts the active keepers serving it and warns when one alone does", async () => {
    const one = await par(["models", "show", String(id)]);
    assert.equal(one.code, 0, one.stderr);
    assert.match(one.stdout, /servers +1\n/);
    assert.match(one.stderr, new RegExp(`par: warning: only one keeper serves model ${id}: nobody else can check its results`));

    // a second keeper, elsewhere: its cache is its own, and --file gives it a copy, checked against the registry
    const second = await account("keeper-2");
    await registerKeeper(second.c, [1], 0n);
    const elsewhere = ["--cache", path.join(dir, "cache-2"), "keeper", "models", "add", String(id)];
    const wrong = await par([...elsewhere, "--file", "keepers/models/mlp.onnx"], second.keystore);
    assert.match(wrong.stderr, /mlp.onnx: sha256 mismatch: registry says 0xf74a1ec1.*refusing to use it/);
    const added = await par([...elsewhere, "--file", LUMA], second.keystore);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /cached +.*cache-2\/f74a1ec1/);
    const two = JSON.parse((await par(["--json", "models", "show", String(id)])).stdout);
    assert.equal(two.servers, 2);
    assert.equal(two.warning, undefined);
    assert.deepEqual(two.keepers.split(","), [serving, second.c.account!.address]);

    // an unavailable keeper serves nobody: it does not count
    await second.c.publicClient.waitForTransactionReceipt({ hash: await second.c.contracts.keepers.write.setAvailable([false], { account: second.c.walletClient!.account, chain: second.c.walletClient!.chain }) });
    const after = await modelServers(second.c, id);
    assert.equal(after.keepers.length, 1);
    assert.match(after.warning!, /only one keeper serves/);
  });
});
