/** Shared CLI plumbing: global options, passphrase prompt, clients from the address book. */
import { homedir } from "node:os";
import path from "node:path";
import { InvalidArgumentError } from "commander";
import { createPublicClient, getAddress, http, isAddress, keccak256, type Address, type Hex } from "viem";
import { parsePar } from "../amounts.js";
import { addressBookPath, loadAddressBook } from "../chain/addresses.js";
import { connect, type ParadigmClients } from "../chain/client.js";
import { loadKeystore } from "../keystore.js";

export type GlobalOpts = { rpc: string; addresses?: string; keystore: string; cache: string; json?: boolean };

export const defaults = {
  rpc: process.env.PAR_RPC ?? "http://127.0.0.1:8545",
  keystore: process.env.PAR_KEYSTORE ?? path.join(homedir(), ".paradigm", "keystore.json"),
  cache: process.env.PAR_CACHE ?? path.join(homedir(), ".paradigm", "models"),
};

/** An option parser for a non-negative integer; the error names the option. */
export const intArg = (what: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${what} must be a non-negative integer, got "${v}"`);
  return Number(v);
};

/** An argument parser for a PAR amount; the error names the argument. */
export const parArg = (what: string) => (v: string): bigint => {
  try {
    return parsePar(v, what);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};

/** An argument parser for an address, returned checksummed. */
export const addrArg = (v: string): Address => {
  if (!isAddress(v)) throw new InvalidArgumentError(`"${v}" is not an address (0x followed by 40 hex digits)`);
  return getAddress(v);
};

/** Passphrase from PAR_PASSPHRASE (unattended runs) or an interactive prompt with hidden input. */
export async function passphrase(prompt = "Keystore passphrase: ", confirm = false): Promise<string> {
  if (process.env.PAR_PASSPHRASE !== undefined) return process.env.PAR_PASSPHRASE;
  if (!process.stdin.isTTY) throw new Error("no passphrase: set PAR_PASSPHRASE for unattended runs, or run in a terminal");
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      process.stderr.write(q);
      const stdin = process.stdin;
      stdin.setRawMode(true);
      stdin.resume();
      let buf = "";
      const onData = (d: Buffer) => {
        for (const ch of d.toString("utf8")) {
          if (ch === "\r" || ch === "\n") {
            stdin.setRawMode(false);
            stdin.pause();
            stdin.off("data", onData);
            process.stderr.write("\n");
            return resolve(buf);
          }
          if (ch === "\u0003") process.exit(130);
          buf = ch === "\u007f" ? buf.slice(0, -1) : buf + ch;
        }
      };
      stdin.on("data", onData);
    });
  const p = await ask(prompt);
  if (confirm && (await ask("Repeat passphrase: ")) !== p) throw new Error("the passphrases differ");
  return p;
}

/** The chain id at `rpc`; an RPC that does not answer is an error that says how to fix it. */
export async function chainIdOf(rpc: string): Promise<number> {
  try {
    return await createPublicClient({ transport: http(rpc, { retryCount: 2, timeout: 10_000 }) }).getChainId();
  } catch (e) {
    throw new Error(`cannot reach the RPC at ${rpc} (${(e as Error).message.split("\n")[0]}); start a node (npm run devnet) or pass --rpc <url>`);
  }
}

/** Clients for a command; `withKey` decrypts the keystore. */
export async function clients(g: GlobalOpts, withKey: boolean): Promise<{ c: ParadigmClients; privateKey?: Hex }> {
  const chainId = await chainIdOf(g.rpc);
  const book = loadAddressBook(g.addresses ?? addressBookPath(chainId));
  if (book.chainId !== chainId) throw new Error(`address book is for chain ${book.chainId}, the RPC serves chain ${chainId}`);
  const privateKey = withKey ? loadKeystore(g.keystore, await passphrase()) : undefined;
  return { c: connect({ rpcUrl: g.rpc, book, privateKey }), privateKey };
}

export const saltSecret = (privateKey: Hex) => keccak256(`${privateKey}${Buffer.from("paradigm/juror-salt").toString("hex")}` as Hex);

/** Prints a result as JSON (--json) or as aligned `key  value` lines. */
export function print(g: GlobalOpts, obj: Record<string, unknown>): void {
  const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? v.toString() : v);
  if (g.json) return void console.log(JSON.stringify(obj, replacer));
  const w = Math.max(...Object.keys(obj).map((k) => k.length));
  for (const [k, v] of Object.entries(obj)) console.log(`${k.padEnd(w)}  ${typeof v === "object" ? JSON.stringify(v, replacer) : String(v)}`);
}
