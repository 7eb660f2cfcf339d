/**
 * A real PostgreSQL server for one test run: Debian's `postgresql` (installed with apt-get when
 * missing), initialised in a temporary folder and started as the `postgres` user (it refuses
 * root) on a free port of its own, trusting local connections. `stop()` shuts it down and
 * removes the folder.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDebianPackage } from "./debian.js";
import { freePort } from "./ports.js";

export type Postgres = { url: string; stop(): Promise<void> };

/** The folder of initdb and pg_ctl: the newest version Debian installed. */
function binDir(): string {
  const root = "/usr/lib/postgresql";
  const find = () => (existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)).map((v) => path.join(root, v, "bin")).find((d) => existsSync(path.join(d, "initdb"))) : undefined);
  let dir = find();
  if (!dir) {
    ensureDebianPackage("/usr/bin/psql", "postgresql");
    dir = find();
  }
  if (!dir) throw new Error("Debian's postgresql package is installed but no initdb is in /usr/lib/postgresql/*/bin");
  return dir;
}

/** Runs a PostgreSQL program as the `postgres` user when we are root (the server refuses root). */
function asPostgres(program: string, args: string[]) {
  const asRoot = process.getuid?.() === 0;
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", program, ...args]] : [program, args];
  execFileSync(cmd, argv, { stdio: "pipe" });
}

export async function startPostgres(): Promise<Postgres> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(tmpdir(), "par-postgres-"));
  chmodSync(dir, 0o777);
  const data = path.join(dir, "data");
  const port = await freePort();
  asPostgres(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
  asPostgres(path.join(bin, "pg_ctl"), ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        asPostgres(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
