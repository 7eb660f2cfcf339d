/** Debian packages that tests need (PostgreSQL, Chromium), installed on first use when missing. */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Makes sure `path` exists, installing Debian package `pkg` with apt-get if it does not. */
export function ensureDebianPackage(path: string, pkg: string): string {
  if (existsSync(path)) return path;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["install", "-y", "-q", pkg], { stdio: "ignore", env });
  } catch {
    execFileSync("apt-get", ["update", "-q"], { stdio: "ignore", env });
    execFileSync("apt-get", ["install", "-y", "-q", pkg], { stdio: "ignore", env });
  }
  if (!existsSync(path)) throw new Error(`${path} is missing and \`apt-get install ${pkg}\` did not provide it; install Debian's ${pkg} package`);
  return path;
}
