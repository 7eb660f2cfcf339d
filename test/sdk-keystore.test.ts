import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { createKeystore, decryptKey, encryptKey, loadKeystore } from "../keepers/src/keystore.js";

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
