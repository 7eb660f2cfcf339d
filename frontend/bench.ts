/**
 * dApp benchmarks, as JSON lines:
 *   dapp.bundle.gzipKB      gzip size of the JS that index.html loads up front (its module script
 *                           and modulepreloads; lazy page chunks excluded). Goal: ≤ 250 KB.
 *   dapp.connectToBalance.ms  Chromium, wallet already connected: navigation → the PAR balance on
 *                           screen, against a live in-process chain (median of 5 loads).
 * Run: npx hardhat run frontend/bench.ts   (BENCH_SKIP_BUILD=1 reuses frontend/dist)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fundedKey, liveChain, serveRpc } from "../test/helpers/sdk-chain.js";
import { configFromBook, DIST, serveDapp } from "./serve.js";
import { buildDapp, launchChromium } from "./test/fixture.js";
import { installWallet } from "./test/wallet.js";

const emit = (name: string, value: number, unit: string) => console.log(JSON.stringify({ name, value, unit }));

/** The initial JS of the built index.html: its module script and modulepreload links. */
export function initialJsGzipKB(dist = DIST): number {
  const html = readFileSync(path.join(dist, "index.html"), "utf8");
  const files = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  const bytes = files.reduce((sum, f) => sum + gzipSync(readFileSync(path.join(dist, f)), { level: 9 }).length, 0);
  return Math.round((bytes / 1024) * 10) / 10;
}

async function connectToBalance(): Promise<number> {
  const { conn, fx, server } = await liveChain();
  const rpc = await serveRpc(conn);
  const dapp = await serveDapp({ config: configFromBook(fx.book, rpc.url, "") });
  const browser = await launchChromium();
  try {
    const key = await fundedKey(conn, fx, 42n * 10n ** 8n);
    const page = await browser.newPage();
    await installWallet(page, { key, rpcUrl: rpc.url, chainId: fx.book.chainId });
    await page.goto(`${dapp.url}/#/wallet`);
    await page.getByTestId("connect").click();
    await page.getByTestId("wallet-Paradigm Test Wallet").click();
    await page.getByTestId("balance").filter({ hasText: "42 PAR" }).waitFor();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.goto("about:blank");
      const t0 = performance.now();
      await page.goto(`${dapp.url}/#/wallet`);
      await page.getByTestId("balance").filter({ hasText: "42 PAR" }).waitFor({ timeout: 30_000 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return Math.round(times[2]);
  } finally {
    await browser.close();
    await dapp.close();
    rpc.server.close();
    server.close();
  }
}

if (!process.env.BENCH_SKIP_BUILD) await buildDapp();
emit("dapp.bundle.gzipKB", initialJsGzipKB(), "KB");
emit("dapp.connectToBalance.ms", await connectToBalance(), "ms");
process.exit(0);
