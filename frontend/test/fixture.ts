/** What the browser tests share: the dApp built once (vite), Chromium, screenshots, the wallet picker. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDebianPackage } from "../../test/helpers/debian.js";
import { chromium, type Browser, type Page } from "playwright-core";

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

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? ensureDebianPackage("/usr/bin/chromium", "chromium"), args: CHROMIUM_ARGS });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
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
