// Writes sdk/test-vectors.json from the SDK's own code. The vectors test
// then checks every field with an independent implementation, so a change
// here that breaks the published format fails the tests.
// Run: npx tsx sdk/scripts/generate-vectors.ts
import { pbkdf2Sync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { associatedData, encryptWithNonce } from "../src/crypto/cipher.js";
import { deriveEntryKeys, derivationSalt } from "../src/crypto/derive.js";
import { FORMAT_LABEL, PBKDF2_ITERATIONS } from "../src/crypto/format.js";

interface Case {
  name: string;
  secret: string;
  storeId: string;
  key: string;
  value: string;
  nonceHex: string;
}

const longValue = Array.from({ length: 512 }, (_, i) => `${i.toString(16).padStart(3, "0")}-é漢🔑`).join("");

const cases: Case[] = [
  { name: "ascii", secret: "k3y-material-for-tests-only-0123456789", storeId: "oauth-tokens", key: "gh:12345", value: "ghr_1234567890abcdefghijklmnopqrstuvwxyz", nonceHex: "000102030405060708090a0b" },
  { name: "unicode key and secret", secret: "pässwörd-🔐-秘密-ключ-0123456789abcdef", storeId: "user_notes", key: "ユーザー:ß:🙂", value: "naïve café ☕ 𝄞", nonceHex: "f0e1d2c3b4a5968778695a4b" },
  { name: "empty value", secret: "k3y-material-for-tests-only-0123456789", storeId: "oauth-tokens", key: "empty", value: "", nonceHex: "ffffffffffffffffffffffff" },
  { name: "long value", secret: "k3y-material-for-tests-only-0123456789", storeId: "oauth-tokens", key: "long", value: longValue, nonceHex: "0a0b0c0d0e0f101112131415" },
  { name: "length prefix split 1", secret: "k3y-material-for-tests-only-0123456789", storeId: "ab", key: "c", value: "x", nonceHex: "111111111111111111111111" },
  { name: "length prefix split 2", secret: "k3y-material-for-tests-only-0123456789", storeId: "a", key: "bc", value: "x", nonceHex: "111111111111111111111111" },
  { name: "same key, other store", secret: "k3y-material-for-tests-only-0123456789", storeId: "other-store", key: "gh:12345", value: "ghr_1234567890abcdefghijklmnopqrstuvwxyz", nonceHex: "000102030405060708090a0b" },
  { name: "short secret", secret: "s", storeId: "_", key: "k", value: "v", nonceHex: "2a2a2a2a2a2a2a2a2a2a2a2a" },
];

const vectors = [];
for (const c of cases) {
  const keys = await deriveEntryKeys(c.secret, c.storeId, c.key);
  const salt = derivationSalt(c.storeId, c.key);
  vectors.push({
    ...c,
    saltHex: salt.toString("hex"),
    masterKeyHex: pbkdf2Sync(Buffer.from(c.secret, "utf8"), salt, PBKDF2_ITERATIONS, 32, "sha256").toString("hex"),
    keyHash: keys.keyHash,
    valueKeyHex: keys.valueKey.toString("hex"),
    aadHex: associatedData(c.storeId, keys.keyHash).toString("hex"),
    ciphertext: encryptWithNonce(keys.valueKey, c.storeId, keys.keyHash, c.value, Buffer.from(c.nonceHex, "hex")),
  });
}

const file = {
  format: FORMAT_LABEL,
  description: "Test vectors for the Data Vault SDK client-side format v1. See docs/crypto.md, section 'Test vectors'.",
  vectors,
};
const target = fileURLToPath(new URL("../test-vectors.json", import.meta.url));
writeFileSync(target, JSON.stringify(file, null, 2) + "\n");
console.log(`wrote ${vectors.length} vectors to ${target}`);
