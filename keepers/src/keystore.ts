/**
 * Encrypted keystore, Ethereum "Web3 Secret Storage" v3: aes-128-ctr, keccak-256 MAC over
 * derivedKey[16..32] ‖ ciphertext. Writes scrypt; reads scrypt and pbkdf2 (hmac-sha256), as the
 * definition requires. The raw key is never written to disk.
 */
import { createCipheriv, createDecipheriv, pbkdf2Sync, randomBytes, randomUUID, scryptSync, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex, concat, getAddress, hexToBytes, isAddress, keccak256, type Address, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { readJsonFile } from "./json-file.js";

export type ScryptParams = { dklen: number; salt: string; n: number; r: number; p: number };
export type Pbkdf2Params = { dklen: number; salt: string; c: number; prf: "hmac-sha256" };

export type KeystoreV3 = {
  version: 3;
  id: string;
  /** Absent in some keystores (the definition's own test vectors); ours always write it. */
  address?: string;
  crypto: {
    cipher: "aes-128-ctr";
    cipherparams: { iv: string };
    ciphertext: string;
    mac: string;
  } & ({ kdf: "scrypt"; kdfparams: ScryptParams } | { kdf: "pbkdf2"; kdfparams: Pbkdf2Params });
};

/** Default scrypt cost (geth "standard"); tests may pass a smaller n. */
export const DEFAULT_SCRYPT_N = 1 << 18;

const strip = (h: string) => h.replace(/^0x/, "");

function scrypt(passphrase: string, salt: Buffer, n: number, r: number, p: number, dklen: number): Buffer {
  if (!(Number.isInteger(n) && n > 1 && Math.log2(n) % 1 === 0)) throw new Error(`keystore: scrypt n=${n} is not a power of two above 1`);
  const pass = Buffer.from(passphrase.normalize("NFKC"), "utf8");
  // OpenSSL (node:crypto) refuses n ≥ 2^(16·r), e.g. the definition's own vector (n=2^18, r=1): those go the slow way
  if (n < 2 ** (16 * r)) return scryptSync(pass, salt, dklen, { N: n, r, p, maxmem: 256 * n * r + (1 << 20) });
  if (128 * r * n > 2 ** 30) throw new Error(`keystore: scrypt n=${n}, r=${r} needs more than 1 GiB`);
  return scryptRomix(pass, salt, n, r, p, dklen);
}

function derive(passphrase: string, ks: KeystoreV3): Buffer {
  const { crypto } = ks;
  if (crypto.kdf === "scrypt") {
    const { salt, n, r, p, dklen } = crypto.kdfparams;
    return scrypt(passphrase, Buffer.from(salt, "hex"), n, r, p, dklen);
  }
  const { salt, c, prf, dklen } = crypto.kdfparams;
  if (prf !== "hmac-sha256") throw new Error(`keystore: unsupported pbkdf2 prf "${prf}" (need hmac-sha256)`);
  return pbkdf2Sync(Buffer.from(passphrase.normalize("NFKC"), "utf8"), Buffer.from(salt, "hex"), c, dklen, "sha256");
}

/** scrypt (RFC 7914) for the parameters OpenSSL refuses: PBKDF2-HMAC-SHA256 around ROMix with Salsa20/8. */
function scryptRomix(pass: Buffer, salt: Buffer, n: number, r: number, p: number, dklen: number): Buffer {
  const words = 32 * r; // one ROMix block, 128·r bytes, as little-endian 32-bit words
  const b = pbkdf2Sync(pass, salt, 1, p * 128 * r, "sha256");
  const x = new Uint32Array(words), y = new Uint32Array(words), t = new Uint32Array(16), v = new Uint32Array(n * words);
  for (let i = 0; i < p; i++) {
    const off = i * 128 * r;
    for (let k = 0; k < words; k++) x[k] = b.readUInt32LE(off + 4 * k);
    for (let j = 0; j < n; j++) {
      v.set(x, j * words);
      blockMix(x, y, t, r);
    }
    for (let j = 0; j < n; j++) {
      const at = (x[words - 16] % n) * words; // Integerify: the last 64-byte block's first word
      for (let k = 0; k < words; k++) x[k] ^= v[at + k];
      blockMix(x, y, t, r);
    }
    for (let k = 0; k < words; k++) b.writeUInt32LE(x[k], off + 4 * k);
  }
  return pbkdf2Sync(pass, b, 1, dklen, "sha256");
}

/** BlockMix: Salsa20/8 chained over the 2r 64-byte blocks, even outputs first, then odd. */
function blockMix(b: Uint32Array, y: Uint32Array, t: Uint32Array, r: number): void {
  t.set(b.subarray((2 * r - 1) * 16, 2 * r * 16));
  for (let i = 0; i < 2 * r; i++) {
    for (let k = 0; k < 16; k++) t[k] ^= b[i * 16 + k];
    salsa20x8(t);
    y.set(t, ((i & 1) * r + (i >> 1)) * 16);
  }
  b.set(y);
}

const rotl = (a: number, s: number) => (a << s) | (a >>> (32 - s));

function salsa20x8(b: Uint32Array): void {
  let x0 = b[0], x1 = b[1], x2 = b[2], x3 = b[3], x4 = b[4], x5 = b[5], x6 = b[6], x7 = b[7];
  let x8 = b[8], x9 = b[9], x10 = b[10], x11 = b[11], x12 = b[12], x13 = b[13], x14 = b[14], x15 = b[15];
  for (let i = 0; i < 8; i += 2) {
    x4 ^= rotl(x0 + x12, 7); x8 ^= rotl(x4 + x0, 9); x12 ^= rotl(x8 + x4, 13); x0 ^= rotl(x12 + x8, 18);
    x9 ^= rotl(x5 + x1, 7); x13 ^= rotl(x9 + x5, 9); x1 ^= rotl(x13 + x9, 13); x5 ^= rotl(x1 + x13, 18);
    x14 ^= rotl(x10 + x6, 7); x2 ^= rotl(x14 + x10, 9); x6 ^= rotl(x2 + x14, 13); x10 ^= rotl(x6 + x2, 18);
    x3 ^= rotl(x15 + x11, 7); x7 ^= rotl(x3 + x15, 9); x11 ^= rotl(x7 + x3, 13); x15 ^= rotl(x11 + x7, 18);
    x1 ^= rotl(x0 + x3, 7); x2 ^= rotl(x1 + x0, 9); x3 ^= rotl(x2 + x1, 13); x0 ^= rotl(x3 + x2, 18);
    x6 ^= rotl(x5 + x4, 7); x7 ^= rotl(x6 + x5, 9); x4 ^= rotl(x7 + x6, 13); x5 ^= rotl(x4 + x7, 18);
    x11 ^= rotl(x10 + x9, 7); x8 ^= rotl(x11 + x10, 9); x9 ^= rotl(x8 + x11, 13); x10 ^= rotl(x9 + x8, 18);
    x12 ^= rotl(x15 + x14, 7); x13 ^= rotl(x12 + x15, 9); x14 ^= rotl(x13 + x12, 13); x15 ^= rotl(x14 + x13, 18);
  }
  b[0] += x0; b[1] += x1; b[2] += x2; b[3] += x3; b[4] += x4; b[5] += x5; b[6] += x6; b[7] += x7;
  b[8] += x8; b[9] += x9; b[10] += x10; b[11] += x11; b[12] += x12; b[13] += x13; b[14] += x14; b[15] += x15;
}

export function encryptKey(privateKey: Hex, passphrase: string, n = DEFAULT_SCRYPT_N): KeystoreV3 {
  if (!passphrase) throw new Error("keystore: the passphrase must not be empty");
  const salt = randomBytes(32);
  const iv = randomBytes(16);
  const dk = scrypt(passphrase, salt, n, 8, 1, 32);
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
  if (ks.version !== 3 || (ks.crypto?.kdf !== "scrypt" && ks.crypto?.kdf !== "pbkdf2") || ks.crypto?.cipher !== "aes-128-ctr") {
    throw new Error("keystore: unsupported format (need version 3, scrypt or pbkdf2, aes-128-ctr)");
  }
  const dk = derive(passphrase, ks);
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
  return readJsonFile(file, "keystore") as KeystoreV3;
}

export function loadKeystore(file: string, passphrase: string): Hex {
  return decryptKey(readKeystore(file), passphrase);
}

/** The keystore's address, read without the passphrase: v3 keystores keep it in the clear. */
export function keystoreAddress(file: string): Address {
  const address = `0x${strip(String(readKeystore(file)?.address ?? ""))}`;
  if (!isAddress(address, { strict: false })) throw new Error(`keystore ${file}: no address in it (the "address" field is missing or not 40 hex digits)`);
  return getAddress(address);
}
