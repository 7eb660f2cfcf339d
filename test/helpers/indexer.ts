/**
 * Runs the real indexer (`ponder start` in subgraph/) against a chain, for tests and benchmarks:
 * its own port, its own database (a PGlite folder, or a PostgreSQL URL), and helpers to wait for
 * it and to read every table through its GraphQL endpoint.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressBook } from "../../keepers/src/chain/addresses.js";
import { freePort } from "./ports.js";

const subgraph = fileURLToPath(new URL("../../subgraph/", import.meta.url));
const ponderBin = fileURLToPath(new URL("../../node_modules/ponder/dist/esm/bin/ponder.js", import.meta.url));

export type IndexerOptions = {
  rpcUrl: string;
  book: AddressBook;
  /** PostgreSQL connection URL; unset: PGlite in `dataDir` */
  databaseUrl?: string;
  /** PGlite's folder (kept across restarts of the same indexer); default: a new temporary one */
  dataDir?: string;
  port?: number;
};

export type Indexer = {
  url: string;
  graphqlUrl: string;
  options: Required<Pick<IndexerOptions, "dataDir" | "port">> & IndexerOptions;
  /** Stops it (SIGTERM, or SIGKILL to simulate a crash) and waits for it to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** What it printed, for failure messages. */
  log(): string;
};

/** Starts the indexer and resolves once its HTTP server answers (it may still be backfilling). */
export async function startIndexer(opts: IndexerOptions): Promise<Indexer> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "par-indexer-"));
  const port = opts.port ?? (await freePort());
  const deployments = path.join(dataDir, "deployments");
  mkdirSync(deployments, { recursive: true });
  writeFileSync(path.join(deployments, `${opts.book.chainId}.json`), JSON.stringify(opts.book));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PONDER_TELEMETRY_DISABLED: "true",
    PONDER_RPC_URL: opts.rpcUrl,
    PONDER_CHAIN_ID: String(opts.book.chainId),
    PAR_DEPLOYMENTS: deployments,
    PONDER_PGLITE_DIR: path.join(dataDir, "pglite"),
  };
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  else delete env.DATABASE_URL;
  const args = [ponderBin, "start", "--port", String(port), "--schema", "paradigm", "--log-format", "json", "--log-level", process.env.PARADIGM_INDEXER_LOG ?? "warn"];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: subgraph, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output = (output + d).slice(-200_000)));
  child.stderr!.on("data", (d) => (output = (output + d).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const indexer: Indexer = {
    url,
    graphqlUrl: `${url}/graphql`,
    options: { ...opts, dataDir, port },
    log: () => output,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  for (const until = Date.now() + 120_000; ; ) {
    if (child.exitCode !== null) throw new Error(`the indexer exited with ${child.exitCode}:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return indexer;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      await indexer.stop("SIGKILL");
      throw new Error(`the indexer did not answer on ${url} within 120 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The last block the indexer has indexed (from its /status), or undefined before the first. */
export async function indexedBlock(indexer: Indexer): Promise<bigint | undefined> {
  const res = await fetch(`${indexer.url}/status`);
  if (!res.ok) return undefined;
  const status = (await res.json()) as Record<string, { block?: { number: number } | null }>;
  const block = Object.values(status)[0]?.block;
  return block ? BigInt(block.number) : undefined;
}

/** Waits until the indexer has indexed block `number`. */
export async function waitForBlock(indexer: Indexer, number: bigint, timeoutMs = 120_000) {
  for (const until = Date.now() + timeoutMs; ; ) {
    const block = await indexedBlock(indexer).catch(() => undefined);
    if (block !== undefined && block >= number) return;
    if (Date.now() > until) throw new Error(`the indexer reached block ${block} of ${number} in ${timeoutMs / 1000} s:\n${indexer.log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a GraphQL query; throws with the server's message on errors. */
export async function graphql<T = Record<string, unknown>>(indexer: Indexer, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(indexer.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join("; ")}`);
  return body.data!;
}

/** Every row of the table whose plural GraphQL field is `field`, with `columns`, across pages. */
export async function allRows(indexer: Indexer, field: string, columns: readonly string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let after: string | null = null;
  do {
    const data: Record<string, { items: Record<string, unknown>[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> =
      await graphql(indexer, `query($after: String) { ${field}(limit: 1000, after: $after) { items { ${columns.join(" ")} } pageInfo { hasNextPage endCursor } } }`, { after });
    const page = data[field]!;
    rows.push(...page.items);
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return rows;
}
