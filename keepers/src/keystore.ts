/**
 * Encrypted keystore, Ethereum "Web3 Secret Storage" v3: scrypt KDF, aes-128-ctr, keccak-256
 * MAC over derivedKey[16..32] ‖ ciphertext. The raw key is never written to disk.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex, concat, getAddress, hexToBytes, keccak256, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

export type KeystoreV3 = {
  version: 3;
  id: string;
  address: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    kdf: "scrypt";
    kdfparams: { dklen: number; salt: string; n: number; r: number; p: number };
    mac: string;
  };
};

/** Default scrypt cost (geth "standard"); tests may pass a smaller n. */
export const DEFAULT_SCRYPT_N = 1 << 18;

const strip = (h: string) => h.replace(/^0x/, "");

function derive(passphrase: string, salt: Buffer, n: number, r: number, p: number, dklen: number): Buffer {
  if (n >= 2 ** (16 * r)) throw new Error(`keystore: scrypt n=${n} with r=${r} is not supported (OpenSSL needs n < 2^(16·r)); re-encrypt with r=8`);
  return scryptSync(passphrase.normalize("NFKC"), salt, dklen, { N: n, r, p, maxmem: 256 * n * r + (1 << 20) });
}

export function encryptKey(privateKey: Hex, passphrase: string, n = DEFAULT_SCRYPT_N): KeystoreV3 {
  if (!passphrase) throw new Error("keystore: the passphrase must not be empty");
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const dk = derive(passphrase, salt, n, 8, 1, 32);
  const cipher = createCipheriv("aes-128-ctr", dk.subarray(0, 16), iv);
  const ciphertext = Buffer.concat([cipher.update(hexToBytes(privateKey)), cipher.final()]);
  const mac = keccak256(concat([dk.subarray(16, 32), ciphertext]));
  return {
    version: 3,
    id: randomUUID(),
    address: strip(privateKeyToAccount(privateKey).address).toLowerCase(),
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: iv.toString("hex") },
      ciphertext: ciphertext.toString("hex"),
      kdf: "scrypt",
      kdfparams: { dklen: 32, salt: salt.toString("hex"), n, r: 8, p: 1 },
      mac: strip(mac),
    },
  };
}

export function decryptKey(ks: KeystoreV3, passphrase: string): Hex {
  if (ks.version !== 3 || ks.crypto?.kdf !== "scrypt" || ks.crypto?.cipher !== "aes-128-ctr") {
    throw new Error("keystore: unsupported format (need version 3, scrypt, aes-128-ctr)");
  }
  const { salt, n, r, p, dklen } = ks.crypto.kdfparams;
  const dk = derive(passphrase, Buffer.from(salt, "hex"), n, r, p, dklen);
  const ciphertext = Buffer.from(ks.crypto.ciphertext, "hex");
  const mac = hexToBytes(keccak256(concat([dk.subarray(16, 32), ciphertext])));
  if (!timingSafeEqual(mac, Buffer.from(ks.crypto.mac, "hex"))) throw new Error("keystore: wrong passphrase (MAC mismatch)");
  const decipher = createDecipheriv("aes-128-ctr", dk.subarray(0, 16), Buffer.from(ks.crypto.cipherparams.iv, "hex"));
  return bytesToHex(Buffer.concat([decipher.update(ciphertext), decipher.final()]));
}

/** Creates a new key and writes its keystore; refuses to overwrite an existing file. */
export function createKeystore(file: string, passphrase: string, opts: { privateKey?: Hex; n?: number } = {}): { address: Hex } {
  if (existsSync(file)) throw new Error(`keystore: ${file} already exists; refusing to overwrite it (move it away or pass another --keystore)`);
  const ks = encryptKey(opts.privateKey ?? generatePrivateKey(), passphrase, opts.n);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(ks, null, 2) + "\n", { mode: 0o600 });
  return { address: privateKeyToAccount(decryptKey(ks, passphrase)).address };
}

function readKeystore(file: string): KeystoreV3 {
  if (!existsSync(file)) {
    throw new Error(`keystore: no keystore at ${file}; create one with \`par keeper init\` (or pass --keystore <file>)`);
  }
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`keystore: ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

export function loadKeystore(file: string, passphrase: string): Hex {
  return decryptKey(readKeystore(file), passphrase);
}

/** The address of a keystore's key, read without its passphrase: v3 keystores keep it in the clear. */
export function keystoreAddress(file: string): Address {
  return getAddress(`0x${strip(readKeystore(file).address)}`);
}
