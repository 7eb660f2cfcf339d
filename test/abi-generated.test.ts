import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = fileURLToPath(new URL("..", import.meta.url));
const COMMITTED = "keepers/src/abi.ts";

/** The first line where two texts differ, numbered from 1, with both versions of it. */
function firstDifference(committed: string, generated: string) {
  const a = committed.split("\n");
  const b = generated.split("\n");
  const line = a.findIndex((l, i) => l !== b[i]);
  const i = line === -1 ? a.length : line;
  return { line: i + 1, committed: a[i] ?? "(end of file)", generated: b[i] ?? "(end of file)" };
}

// The SDK, the indexer and the dApp import keepers/src/abi.ts; the wagmi CLI writes it from the
// artifacts (wagmi.config.ts). `npm test` builds the artifacts before this runs.
describe("generated ABIs", function () {
  this.timeout(120_000);

  it("keepers/src/abi.ts is what `npm run gen-abi` writes from the current artifacts", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "par-abi-"));
    try {
      const out = path.join(dir, "abi.ts");
      // as `npm run gen-abi` runs it: from the repository root (wagmi reads tsconfig.json there)
      await run(process.execPath, [path.join(root, "node_modules/.bin/wagmi"), "generate"], {
        cwd: root,
        env: { ...process.env, PAR_ABI_OUT: out },
      });
      const generated = readFileSync(out, "utf8");
      const committed = readFileSync(path.join(root, COMMITTED), "utf8");
      if (generated !== committed) {
        const d = firstDifference(committed, generated);
        assert.fail(
          `${COMMITTED} is not what \`npm run gen-abi\` writes from the current artifacts: run \`npm run gen-abi\` ` +
            `(after \`npx hardhat build\`) and commit the file; do not edit it by hand.\n` +
            `First difference, line ${d.line}:\n  committed: ${d.committed.trim()}\n  generated: ${d.generated.trim()}`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
