/**
 * Serves the built dApp (frontend/dist) and its runtime configuration, `paradigm.json`, next to
 * index.html: build once, serve against any deployment.
 *
 *   node --import tsx frontend/serve.ts --port 5173 --config paradigm.json
 *   node --import tsx frontend/serve.ts --port 5173 --book deploy/deployments/31337.json --rpc http://127.0.0.1:8545 --indexer http://127.0.0.1:42069
 *
 * `serveDapp({ port, config })` does the same in-process (tests, the devnet).
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export type DappConfig = {
  chainId: number;
  chainName?: string;
  rpcUrl: string;
  indexerUrl?: string;
  deployBlock?: number;
  contracts: Record<string, string | undefined>;
};

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.join(HERE, "dist");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json",
  ".svg": "image/svg+xml", ".png": "image/png", ".wasm": "application/wasm", ".ico": "image/x-icon",
};

/** paradigm.json from a deployment address book (deploy/deployments/<chainId>.json). */
export function configFromBook(book: { chainId: number; deployBlock?: number; contracts: Record<string, string | undefined> }, rpcUrl: string, indexerUrl = "", chainName?: string): DappConfig {
  return { chainId: book.chainId, chainName: chainName ?? (book.chainId === 31337 ? "Paradigm devnet" : `Chain ${book.chainId}`), rpcUrl, indexerUrl, deployBlock: book.deployBlock, contracts: book.contracts };
}

/** Starts the server; `config` may be changed later with `setConfig` (e.g. to point at another indexer). */
export async function serveDapp(opts: { port?: number; host?: string; config: DappConfig; dist?: string }) {
  const dist = opts.dist ?? DIST;
  if (!existsSync(path.join(dist, "index.html"))) throw new Error(`${dist}/index.html not found: build the dApp first (npm run build -w frontend)`);
  let config = opts.config;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/paradigm.json") {
      res.writeHead(200, { "content-type": TYPES[".json"], "cache-control": "no-store" });
      res.end(JSON.stringify(config));
      return;
    }
    const rel = path.normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, "");
    let file = path.join(dist, rel || "index.html");
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) file = path.join(dist, "index.html");
    const type = TYPES[path.extname(file)] ?? "application/octet-stream";
    const immutable = file.includes(`${path.sep}assets${path.sep}`);
    res.writeHead(200, { "content-type": type, "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
    setConfig: (c: DappConfig) => { config = c; },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function main() {
  const { values } = parseArgs({ options: {
    port: { type: "string", default: "5173" }, host: { type: "string", default: "127.0.0.1" }, config: { type: "string" },
    book: { type: "string" }, rpc: { type: "string", default: "http://127.0.0.1:8545" }, indexer: { type: "string", default: "" },
  } });
  let config: DappConfig;
  if (values.config) config = JSON.parse(readFileSync(values.config, "utf8")) as DappConfig;
  else if (values.book) config = configFromBook(JSON.parse(readFileSync(values.book, "utf8")), values.rpc!, values.indexer);
  else throw new Error("give --config <paradigm.json> or --book <address book> [--rpc URL] [--indexer URL]");
  const s = await serveDapp({ port: Number(values.port), host: values.host, config });
  console.log(JSON.stringify({ dapp: s.url, chainId: config.chainId, rpcUrl: config.rpcUrl, indexerUrl: config.indexerUrl }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
