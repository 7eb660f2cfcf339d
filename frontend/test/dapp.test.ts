/**
 * The dApp in Chromium against a real chain (EDR in-process, the protocol deployed, a keeper
 * running mlp), served with its paradigm.json, with a test wallet signing with dev keys
 * (docs/dapp.md). DAPP_TEST_INDEXER=0 skips the indexer; DAPP_TEST_DEBUG=1 prints page logs.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { createWalletClient, http, keccak256, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { paradigmGovernorAbi } from "../../keepers/src/abi.js";
import { startKeeper, type Keeper } from "../../keepers/src/keeper/index.js";
import { createLogger } from "../../keepers/src/telemetry.js";
import { fundedKey, liveChain, stakedKeeper, type Connection, type SdkChain } from "../../test/helpers/sdk-chain.js";
import { configFromBook, serveDapp } from "../serve.js";
import { addGovernance, setMinter } from "./chain.js";
import { buildDapp, connect, launchChromium, screenshot, txDone } from "./fixture.js";
import { freePort } from "../../test/helpers/ports.js";
import { installWallet, type TestWallet } from "./wallet.js";

const PAR = 10n ** 8n;

describe("dApp in Chromium against a real chain", function () {
  this.timeout(300_000);
  let conn: Connection;
  let fx: SdkChain;
  let rpc: { url: string; server: Server };
  let dapp: Awaited<ReturnType<typeof serveDapp>>;
  let browser: Browser;
  let keeper: Keeper | undefined, keeperKey: Hex;
  let indexer: { url: string; stop(): Promise<void> } | undefined;
  let DEAD_INDEXER: string, governor: Hex;
  const contexts: BrowserContext[] = [];
  const config = (indexerUrl: string) => ({ ...configFromBook(fx.book, rpc.url, indexerUrl), chainName: "Paradigm test chain" });

  before(async () => {
    const chain = await liveChain();
    ({ conn, fx } = chain);
    governor = await addGovernance(conn, fx);
    rpc = { url: chain.url, server: chain.server }; // the chain over HTTP, open to the page's origin
    DEAD_INDEXER = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    await buildDapp();
    if (process.env.DAPP_TEST_INDEXER !== "0") {
      const { startIndexer } = await import("../../test/helpers/indexer.js");
      indexer = await startIndexer({ rpcUrl: chain.url, book: fx.book });
    }
    dapp = await serveDapp({ config: config(indexer?.url ?? DEAD_INDEXER) });
    browser = await launchChromium();
    const k = await stakedKeeper({ conn, fx, url: chain.url }, [fx.modelIds.mlp], 50n * PAR);
    keeperKey = k.key;
    keeper = await startKeeper({ clients: k.c, cacheDir: mkdtempSync(path.join(tmpdir(), "par-dapp-cache-")), saltSecret: keccak256(k.key), poolSize: 1, pollMs: 200, log: createLogger({ quiet: true }) });
  });

  after(async () => {
    await keeper?.stop();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await dapp?.close();
    await indexer?.stop();
    rpc?.server.close();
  });

  /** A fresh browser profile with the test wallet holding `key`, on the dApp's `hash` route. */
  async function open(key: Hex, hash = "wallet", opts: Partial<Parameters<typeof installWallet>[1]> = {}): Promise<{ page: Page; wallet: TestWallet }> {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    if (process.env.DAPP_TEST_DEBUG) {
      page.on("console", (m) => console.log(`      [page ${m.type()}] ${m.text()}`));
      page.on("pageerror", (e) => console.log(`      [page error] ${e.message}`));
    }
    const wallet = await installWallet(page, { key, rpcUrl: rpc.url, chainId: fx.book.chainId, ...opts });
    await page.goto(`${dapp.url}/#/${hash}`);
    return { page, wallet };
  }

  it("connects an EIP-6963 wallet (listed by name and icon) and shows its PAR balance", async () => {
    const { page } = await open(await fundedKey(conn, fx, 12n * PAR + 345n));
    await page.getByTestId("connect").click();
    const option = page.getByTestId("wallet-Paradigm Test Wallet");
    await option.waitFor();
    assert.equal(await option.locator("img").count(), 1);
    await screenshot(page, "connect");
    await option.click();
    await page.getByTestId("balance").filter({ hasText: "12.00000345 PAR" }).waitFor();
    await screenshot(page, "wallet");
  });

  it("falls back to the legacy window.ethereum when no wallet announces itself", async () => {
    const { page } = await open(await fundedKey(conn, fx, 2n * PAR), "wallet", { legacyOnly: true });
    await connect(page, "Injected");
    await page.getByTestId("balance").filter({ hasText: "2 PAR" }).waitFor();
  });

  it("on the wrong chain offers a switch, and adds the chain when the wallet does not know it (4902)", async () => {
    const { page, wallet } = await open(await fundedKey(conn, fx, PAR), "wallet", { startChainId: 1, knowsChain: false });
    await connect(page);
    await page.getByTestId("wrong-chain").waitFor();
    assert.equal(await page.getByTestId("send-submit").isDisabled(), true);
    await screenshot(page, "wrong-chain");
    await page.getByTestId("switch-chain").click();
    await page.getByTestId("wrong-chain").waitFor({ state: "detached" });
    assert.ok(wallet.calls.includes("wallet_addEthereumChain"), wallet.calls.join(","));
    assert.equal(wallet.chainId, fx.book.chainId);
  });

  it("sends PAR with exact 8-decimal amounts; a 9th decimal or a bad address never reaches the wallet", async () => {
    const key = await fundedKey(conn, fx, 10n * PAR);
    const { page, wallet } = await open(key);
    await connect(page);
    const to = privateKeyToAccount(await fundedKey(conn, fx, 0n)).address;
    await page.getByTestId("send-to").fill(to);
    await page.getByTestId("send-amount").fill("1.123456789");
    await page.getByTestId("send-amount-error").filter({ hasText: "at most 8" }).waitFor();
    assert.equal(await page.getByTestId("send-submit").isDisabled(), true);
    await page.getByTestId("send-to").fill("0x1234");
    await page.getByTestId("send-amount").fill("1.12345678");
    await page.getByTestId("send-to-error").waitFor();
    assert.equal(await page.getByTestId("send-submit").isDisabled(), true);
    assert.ok(!wallet.calls.includes("eth_sendTransaction"));
    await page.getByTestId("send-to").fill(to);
    await page.getByTestId("send-submit").click();
    const r = await txDone(page);
    assert.equal(r.status, "confirmed", r.text);
    assert.match(r.text, /0x[0-9a-f]{64}/);
    assert.equal(await fx.token.read.balanceOf([to]), 112_345_678n);
    await page.getByTestId("balance").filter({ hasText: "8.87654322 PAR" }).waitFor();
    if (indexer) await page.getByTestId("transfer-row").first().waitFor({ timeout: 30_000 });
  });

  it("a rejected signature says so, and nothing is sent", async () => {
    const key = await fundedKey(conn, fx, 5n * PAR);
    const { page, wallet } = await open(key);
    await connect(page);
    const to = privateKeyToAccount(await fundedKey(conn, fx, 0n)).address;
    wallet.reject = true;
    await page.getByTestId("send-to").fill(to);
    await page.getByTestId("send-amount").fill("1");
    await page.getByTestId("send-submit").click();
    const r = await txDone(page);
    assert.equal(r.status, "failed");
    assert.match(r.text, /You rejected the request in your wallet/);
    assert.doesNotMatch(r.text, /tx 0x/);
    assert.equal(await fx.token.read.balanceOf([to]), 0n);
    await screenshot(page, "rejected");
  });

  it("a reverted transaction shows the decoded custom error in words", async () => {
    const key = await fundedKey(conn, fx, 5n * PAR);
    const { page } = await open(key);
    await connect(page);
    await page.getByTestId("deposit-amount").fill("2");
    await page.getByTestId("withdraw-submit").click();
    const r = await txDone(page);
    assert.equal(r.status, "failed");
    assert.match(r.text, /deposit holds 0 PAR, 2 PAR is needed/);
    await screenshot(page, "reverted");
  });

  it("posts a task (approve + post), watches it live and shows its decoded output once finalized", async () => {
    const key = await fundedKey(conn, fx, 5n * PAR);
    const { page } = await open(key, "market");
    await connect(page);
    await page.getByTestId("model-spec").filter({ hasText: "x: float32" }).waitFor();
    await page.getByTestId("input-json").fill(JSON.stringify({ x: { dims: [1, 4], data: [0.1, 0.2, 0.3, 0.4] } }));
    await page.getByTestId("quote").filter({ hasText: "PAR" }).waitFor();
    await page.getByTestId("fee").fill("0.1");
    await page.getByTestId("pay-by").selectOption("approve");
    await screenshot(page, "market");
    await page.getByTestId("post-submit").click();
    await page.getByTestId("page-task").waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="task-phase"][data-phase="Finalized"]').waitFor({ timeout: 90_000 });
    const probs = await page.getByTestId("output-probs").innerText();
    const sum = probs.split(",").map(Number).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-3, probs);
    await page.getByTestId("output-label").waitFor();
    await screenshot(page, "task");
  });

  it("posts a lot of two inputs paid by permit: one signature, one transaction, an output per input", async () => {
    const key = await fundedKey(conn, fx, 5n * PAR);
    const { page, wallet } = await open(key, "market");
    await connect(page);
    await page.getByTestId("model-spec").waitFor();
    const input = (data: number[]) => ({ x: { dims: [1, 4], data } });
    await page.getByTestId("input-json").fill(JSON.stringify([input([0.1, 0.2, 0.3, 0.4]), input([2, -1, 0.5, -2])]));
    await page.getByTestId("input-size").filter({ hasText: "a lot of 2 inputs" }).waitFor();
    await page.getByTestId("fee").fill("0.1");
    await page.getByTestId("pay-by").selectOption("permit");
    const before = wallet.calls.length;
    await page.getByTestId("post-submit").click();
    await page.getByTestId("page-task").waitFor({ timeout: 60_000 });
    const calls = wallet.calls.slice(before);
    assert.equal(calls.filter((c) => c === "eth_signTypedData_v4").length, 1, calls.join(","));
    assert.equal(calls.filter((c) => c === "eth_sendTransaction").length, 1, calls.join(","));
    const me = privateKeyToAccount(key).address;
    assert.equal(await fx.token.read.balanceOf([me]), 5n * PAR - PAR / 10n);
    await page.locator('[data-testid="task-phase"][data-phase="Finalized"]').waitFor({ timeout: 90_000 });
    const probs = await page.getByTestId("output-probs").allInnerTexts();
    assert.equal(probs.length, 2, "an output per input");
    for (const p of probs) assert.ok(Math.abs(p.split(",").map(Number).reduce((a, b) => a + b, 0) - 1) < 1e-3, p);
    assert.notEqual(probs[0], probs[1], "each input has its own output");
    if (indexer) {
      await page.getByTestId("nav-market").click();
      await page.getByTestId("my-task").first().waitFor({ timeout: 30_000 });
    }
  });

  it("delegates to a keeper by permit and undelegates, with the unbonding time shown", async () => {
    const key = await fundedKey(conn, fx, 20n * PAR);
    const keeperAddress = privateKeyToAccount(keeperKey).address;
    const { page } = await open(key, `keeper/${keeperAddress}`);
    await connect(page);
    await page.getByTestId("unbonding-time").filter({ hasText: "Unbonding takes 60 s" }).waitFor();
    await page.getByTestId("stake-amount").fill("5");
    await page.getByTestId("delegate-submit").click();
    assert.equal((await txDone(page)).status, "confirmed");
    await page.getByTestId("my-stake").filter({ hasText: "5 PAR" }).waitFor();
    await page.getByTestId("stake-amount").fill("2");
    await page.getByTestId("undelegate-submit").click();
    const r = await txDone(page);
    assert.equal(r.status, "confirmed", r.text);
    assert.match(r.text, /withdrawable after the unbonding period \(60 s\)/);
    await page.getByTestId("my-stake").filter({ hasText: "3 PAR" }).waitFor();
    await screenshot(page, "keeper");
  });

  it("a keeper claims its emission: flush, close the ended epoch, claim", async () => {
    await keeper?.stop();
    keeper = undefined;
    await conn.networkHelpers.time.increase(3700);
    // The fixture's token lets the test account mint; as deployed, only the emission pool may.
    const restore = await setMinter(conn, fx, fx.pool.address);
    try {
      const { page } = await open(keeperKey, "emission");
      await connect(page);
      await page.getByTestId("current-epoch").filter({ hasText: "1" }).waitFor();
      await page.getByTestId("claim").click();
      const r = await txDone(page);
      assert.equal(r.status, "confirmed", r.text);
      assert.match(r.text, /claimed [\d.]+ PAR for epochs 0–0/);
      await page.getByTestId("closed-through").filter({ hasText: "epochs closed up to 0" }).waitFor();
      if (indexer) await page.getByTestId("charts").waitFor({ timeout: 30_000 });
      if (indexer) await page.getByTestId("claim-row").first().waitFor({ timeout: 30_000 });
      await screenshot(page, "emission");
    } finally {
      await restore();
    }
  });

  it("delegates votes to itself, then votes on a live proposal", async () => {
    const key = await fundedKey(conn, fx, 7n * PAR);
    const { page } = await open(key, "governance");
    await connect(page);
    await page.getByTestId("delegate-self").click();
    assert.equal((await txDone(page)).status, "confirmed");
    await page.getByTestId("voting-power").filter({ hasText: "7 PAR" }).waitFor();
    const voter = createWalletClient({ account: privateKeyToAccount(key), transport: http(rpc.url) });
    const hash = await voter.writeContract({ chain: null, address: governor, abi: paradigmGovernorAbi, functionName: "propose", args: [[fx.token.address], [0n], ["0x06fdde03"], "Test proposal: read the token's name"] });
    await (await conn.viem.getPublicClient()).waitForTransactionReceipt({ hash });
    await conn.networkHelpers.time.increase(11);
    await page.getByTestId("proposal-state").filter({ hasText: "Active" }).waitFor({ timeout: 30_000 });
    await page.getByTestId("vote-for").click();
    assert.equal((await txDone(page)).status, "confirmed");
    await page.getByTestId("proposal-for").filter({ hasText: "7 PAR" }).waitFor();
    await screenshot(page, "governance");
  });

  it("shows the keepers and models pages", async () => {
    const key = await fundedKey(conn, fx, PAR);
    const { page } = await open(key, "keepers");
    await connect(page);
    await page.getByTestId("keeper-row").first().waitFor({ timeout: 30_000 });
    if (indexer) await page.getByTestId("leaderboard-row").filter({ hasText: "100.0 %" }).first().waitFor({ timeout: 30_000 }); // no claim lapsed
    await screenshot(page, "keepers");
    await page.getByTestId("nav-models").click();
    await page.getByTestId("model-row").nth(2).waitFor();
    if (indexer) await page.getByTestId(`model-tasks-${fx.modelIds.mlp}`).filter({ hasText: "2" }).waitFor({ timeout: 30_000 });
    await screenshot(page, "models");
  });

  it("with the indexer down: a banner, and balances still read from the chain; with the RPC down: a banner", async () => {
    try {
      dapp.setConfig(config(DEAD_INDEXER));
      const key = await fundedKey(conn, fx, 3n * PAR);
      const { page } = await open(key);
      await connect(page);
      await page.getByTestId("indexer-down").waitFor();
      await page.getByTestId("balance").filter({ hasText: "3 PAR" }).waitFor();
      await page.getByTestId("nav-keepers").click();
      await page.getByTestId("keeper-row").first().waitFor({ timeout: 30_000 });
      await screenshot(page, "indexer-down");
      dapp.setConfig({ ...config(DEAD_INDEXER), rpcUrl: DEAD_INDEXER });
      await (await open(key)).page.getByTestId("rpc-down").waitFor({ timeout: 30_000 });
    } finally {
      dapp.setConfig(config(indexer?.url ?? DEAD_INDEXER));
    }
  });
});
