/**
 * What the browser tests share: the dApp built once (vite), a CORS-enabled JSON-RPC endpoint in
 * front of the in-process chain (a page on another origin reads through it, as from a node that
 * allows any origin), the static server with paradigm.json, and Chromium.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDebianPackage } from "../../test/helpers/debian.js";
import { chromium, type Browser, type Page } from "playwright-core";
import { toHex } from "viem";
import type { Connection } from "../../test/helpers/sdk-chain.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FRONTEND = path.resolve(here, "..");
export const SCREENSHOTS = path.join(FRONTEND, "screenshots");

/** `vite build` of frontend/ (into frontend/dist). */
export async function buildDapp(): Promise<void> {
  const { build } = await import("vite");
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = "production"; // a test runner's NODE_ENV would give React's development build
  try {
    await build({ configFile: path.join(FRONTEND, "vite.config.ts"), root: FRONTEND, mode: "production", logLevel: "warn" });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

type RpcRequest = { id: unknown; method: string; params?: unknown[] };

/** The chain over HTTP with CORS (the test helper's serveRpc answers no preflight). */
export async function corsRpc(conn: Connection): Promise<{ url: string; server: Server }> {
  const call = async (req: RpcRequest) => {
    try {
      return { jsonrpc: "2.0", id: req.id, result: await conn.provider.request({ method: req.method, params: req.params ?? [] }) };
    } catch (e) {
      const err = e as { code?: number; message: string; data?: unknown };
      return { jsonrpc: "2.0", id: req.id, error: { code: err.code ?? -32603, message: err.message, data: err.data } };
    }
  };
  const server = createServer((req, res) => {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader("access-control-allow-headers", "content-type");
    res.setHeader("access-control-allow-methods", "POST, OPTIONS");
    if (req.method !== "POST") {
      res.writeHead(204).end();
      return;
    }
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", async () => {
      try {
        const parsed = JSON.parse(body);
        const out = Array.isArray(parsed) ? await Promise.all(parsed.map(call)) : await call(parsed);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(out, (_k, v) => (typeof v === "bigint" ? toHex(v) : v)));
      } catch (e) {
        res.writeHead(400).end(String(e));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? ensureDebianPackage("/usr/bin/chromium", "chromium"), args: CHROMIUM_ARGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A local port nothing listens on (an indexer that is down). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** Connects the test wallet from the dApp's wallet picker. */
export async function connect(page: Page, walletName = "Paradigm Test Wallet") {
  await page.getByTestId("connect").click();
  await page.getByTestId(`wallet-${walletName}`).click();
  await page.getByTestId("account").waitFor();
}

/** Waits until the page's last action is confirmed or failed; its status and text. */
export async function txDone(page: Page) {
  const status = page.getByTestId("tx-status").last();
  await status.and(page.locator('[data-status="confirmed"], [data-status="failed"]')).waitFor({ timeout: 60_000 });
  return { status: await status.getAttribute("data-status"), text: await status.innerText() };
}
