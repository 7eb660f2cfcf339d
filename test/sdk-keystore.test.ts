import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import { createKeystore, decryptKey, encryptKey, keystoreAddress, loadKeystore, type KeystoreV3 } from "../keepers/src/keystore.js";

const KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" as const;
const N = 1 << 12; // cheap scrypt for tests

describe("keeper: encrypted keystore v3", () => {
  it("round-trips a key through scrypt + aes-128-ctr and never stores it raw", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "par-ks-"));
    const file = path.join(dir, "keystore.json");
    const { address } = createKeystore(file, "correct horse", { privateKey: KEY, n: N });
    assert.equal(address, privateKeyToAccount(KEY).address);
    const text = readFileSync(file, "utf8");
    assert.ok(!text.includes(KEY.slice(2)), "raw key must not be on disk");
    const ks = JSON.parse(text);
    assert.equal(ks.version, 3);
    assert.equal(ks.crypto.kdf, "scrypt");
    assert.equal(ks.crypto.cipher, "aes-128-ctr");
    assert.equal(loadKeystore(file, "correct horse"), KEY);
  });
  it("rejects a wrong passphrase and refuses to overwrite an existing keystore", () => {
    const ks = encryptKey(KEY, "right", N);
    assert.throws(() => decryptKey(ks, "wrong"), /keystore: wrong passphrase \(MAC mismatch\)/);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "par-ks-")), "k.json");
    createKeystore(file, "pw", { n: N });
    assert.throws(() => createKeystore(file, "pw", { n: N }), /already exists; refusing to overwrite/);
  });
  it("tells how to create a keystore when none exists", () => {
    assert.throws(() => loadKeystore("/nonexistent/keystore.json", "x"), /no keystore at \/nonexistent\/keystore.json; create one with `par keeper init`/);
  });
});

/**
 * The test vectors of the Web3 Secret Storage Definition (version 3), copied from the definition:
 * https://ethereum.org/en/developers/docs/data-structures-and-encoding/web3-secret-storage/#test-vectors
 * (formerly the Ethereum wiki page "Web3 Secret Storage Definition").
 */
const SPEC = {
  password: "testpassword",
  secret: "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
  address: "0x008aeeda4d805471df9b2a5b0f38a0c3bcba786b",
  pbkdf2: {
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
      ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
      kdf: "pbkdf2",
      kdfparams: { c: 262144, dklen: 32, prf: "hmac-sha256", salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd" },
      mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
    },
    id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    version: 3,
  },
  scrypt: {
    crypto: {
      cipher: "aes-128-ctr",
      cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
      ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
      kdf: "scrypt",
      kdfparams: { dklen: 32, n: 262144, p: 8, r: 1, salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19" },
      mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
    },
    id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
    version: 3,
  },
} as const;

describe("keeper: keystore against the Web3 Secret Storage definition and other tools", function () {
  this.timeout(120_000); // the definition's vectors use full-strength KDFs: seconds each

  it("decrypts the definition's PBKDF2-SHA-256 vector (c=262144) to its secret, and rejects a wrong password", () => {
    const ks = SPEC.pbkdf2 as unknown as KeystoreV3;
    const key = decryptKey(ks, SPEC.password);
    assert.equal(key, SPEC.secret);
    assert.equal(privateKeyToAccount(key).address.toLowerCase(), SPEC.address);
    assert.throws(() => decryptKey(ks, "testpassword!"), /keystore: wrong passphrase \(MAC mismatch\)/);
  });

  it("decrypts the definition's scrypt vector (n=262144, r=1, p=8: past what OpenSSL takes) to its secret", () => {
    assert.equal(decryptKey(SPEC.scrypt as unknown as KeystoreV3, SPEC.password), SPEC.secret);
  });

  it("decrypts a keystore written by ethers v5, and reads its address without the passphrase", async () => {
    const json = await new Wallet(KEY).encrypt("ethers pass", { scrypt: { N: N } });
    assert.equal(decryptKey(JSON.parse(json), "ethers pass"), KEY);
    const file = path.join(mkdtempSync(path.join(tmpdir(), "par-ks-")), "ethers.json");
    writeFileSync(file, json);
    assert.equal(loadKeystore(file, "ethers pass"), KEY);
    assert.equal(keystoreAddress(file), privateKeyToAccount(KEY).address);
  });

  it("writes a keystore that ethers v5 decrypts to the same key", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "par-ks-")), "ours.json");
    const { address } = createKeystore(file, "our pass", { privateKey: KEY, n: N });
    const wallet = await Wallet.fromEncryptedJson(readFileSync(file, "utf8"), "our pass");
    assert.equal(wallet.privateKey, KEY);
    assert.equal(wallet.address, address);
  });
});
