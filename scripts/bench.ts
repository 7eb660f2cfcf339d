/**
 * `npm run bench`: runs every suite in bench/ on a fresh in-process chain and prints one JSON
 * object per line. `npm run gas:snapshot` (BENCH_WRITE_SNAPSHOT=1) also rewrites
 * bench/gas-snapshot.json (gas rows only), which is committed and reviewed like code.
 * BENCH_ONLY=market,emission runs only the suites whose file names start with those words.
 */
import { writeFileSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import path from "node:path";
import { network } from "hardhat";
import type { BenchRow, BenchSuite } from "../bench/types.js";

const benchDir = fileURLToPath(new URL("../bench/", import.meta.url));
const only = (process.env.BENCH_ONLY ?? "").split(",").filter(Boolean);
const suites = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

const GENESIS_DATE = new Date("2030-01-01T00:00:00Z");
const gasRows: Record<string, number> = {};
for (const file of suites) {
  const suite: BenchSuite = (await import(pathToFileURL(path.join(benchDir, file)).href)).default;
  // A fixed genesis date: block hashes (assignment and jury seeds) repeat from run to run.
  const connection = await network.create({ override: { initialDate: GENESIS_DATE } });
  const rows: BenchRow[] = await suite(connection);
  await connection.close();
  for (const row of rows) {
    console.log(JSON.stringify(row));
    if (row.unit === "gas") gasRows[row.name] = row.value;
  }
}

if (process.env.BENCH_WRITE_SNAPSHOT === "1") {
  const sorted = Object.fromEntries(Object.entries(gasRows).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(path.join(benchDir, "gas-snapshot.json"), JSON.stringify(sorted, null, 2) + "\n");
}
