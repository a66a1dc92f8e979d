// Writes sdk/test-vectors.json from the SDK's own code. The vectors test
// then checks every field with independent implementations (TypeScript in
// sdk/test/vectors.test.ts, Python in sdk/test/python/), so a change here
// that breaks the published format fails the tests.
// Run: npx tsx sdk/scripts/generate-vectors.ts
import { pbkdf2Sync } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { associatedData, associatedDataV2, decryptValue, encryptV2WithNonce, encryptWithNonce, type EntryBinding } from "../src/crypto/cipher.js";
import { deriveEntryKeys, derivationSalt } from "../src/crypto/derive.js";
import { deriveGenerationId, generationSalt } from "../src/crypto/generation.js";
import { FORMAT_LABEL, FORMAT_LABEL_V2, PBKDF2_ITERATIONS } from "../src/crypto/format.js";

interface Case {
  name: string;
  secret: string;
  storeId: string;
  key: string;
  value: string;
  nonceHex: string;
}

const longValue = Array.from({ length: 512 }, (_, i) => `${i.toString(16).padStart(3, "0")}-é漢🔑`).join("");
const SECRET = "k3y-material-for-tests-only-0123456789";

const cases: Case[] = [
  { name: "ascii", secret: SECRET, storeId: "oauth-tokens", key: "gh:12345", value: "ghr_1234567890abcdefghijklmnopqrstuvwxyz", nonceHex: "000102030405060708090a0b" },
  { name: "unicode key and secret", secret: "pässwörd-🔐-秘密-ключ-0123456789abcdef", storeId: "user_notes", key: "ユーザー:ß:🙂", value: "naïve café ☕ 𝄞", nonceHex: "f0e1d2c3b4a5968778695a4b" },
  { name: "empty value", secret: SECRET, storeId: "oauth-tokens", key: "empty", value: "", nonceHex: "ffffffffffffffffffffffff" },
  { name: "long value", secret: SECRET, storeId: "oauth-tokens", key: "long", value: longValue, nonceHex: "0a0b0c0d0e0f101112131415" },
  { name: "length prefix split 1", secret: SECRET, storeId: "ab", key: "c", value: "x", nonceHex: "111111111111111111111111" },
  { name: "length prefix split 2", secret: SECRET, storeId: "a", key: "bc", value: "x", nonceHex: "111111111111111111111111" },
  { name: "same key, other store", secret: SECRET, storeId: "other-store", key: "gh:12345", value: "ghr_1234567890abcdefghijklmnopqrstuvwxyz", nonceHex: "000102030405060708090a0b" },
  { name: "short secret", secret: "s", storeId: "_", key: "k", value: "v", nonceHex: "2a2a2a2a2a2a2a2a2a2a2a2a" },
];

const hex = (b: Buffer) => b.toString("hex");
const master = (secret: string, salt: Buffer) => hex(pbkdf2Sync(Buffer.from(secret, "utf8"), salt, PBKDF2_ITERATIONS, 32, "sha256"));

// ---- v1 (unchanged since format v1 was published) -------------------------
const vectors = [];
for (const c of cases) {
  const keys = await deriveEntryKeys(c.secret, c.storeId, c.key);
  const salt = derivationSalt(c.storeId, c.key);
  vectors.push({
    ...c,
    saltHex: hex(salt),
    masterKeyHex: master(c.secret, salt),
    keyHash: keys.keyHash,
    valueKeyHex: hex(keys.valueKey),
    aadHex: hex(associatedData(c.storeId, keys.keyHash)),
    ciphertext: encryptWithNonce(keys.valueKey, c.storeId, keys.keyHash, c.value, Buffer.from(c.nonceHex, "hex")),
  });
}

// ---- v2: same keys, the version and the context bound ---------------------
type V2Case = Case & { version: number; context: string };
const v2Cases: V2Case[] = [
  { ...cases[0]!, name: "ascii, version 1, no context", version: 1, context: "" },
  { ...cases[0]!, name: "ascii, version 7, context", version: 7, context: "prod", nonceHex: "0c0d0e0f1011121314151617" },
  { ...cases[1]!, name: "unicode key, secret and context", version: 2, context: "プロジェクト/🙂/環境" },
  { ...cases[2]!, name: "empty value", version: 3, context: "" },
  { ...cases[3]!, name: "long value", version: 42, context: "eu-west" },
  { ...cases[7]!, name: "largest version", version: 2_147_483_647, context: "c" },
];
const v2Vectors = [];
for (const c of v2Cases) {
  const keys = await deriveEntryKeys(c.secret, c.storeId, c.key);
  const salt = derivationSalt(c.storeId, c.key);
  const binding: EntryBinding = { storeId: c.storeId, keyHash: keys.keyHash, version: c.version, context: c.context };
  const ciphertext = encryptV2WithNonce(keys.valueKey, binding, Buffer.from(c.value, "utf8"), Buffer.from(c.nonceHex, "hex"));
  if (decryptValue(keys.valueKey, binding, ciphertext) !== c.value) throw new Error(`${c.name}: does not round-trip`);
  v2Vectors.push({
    ...c,
    saltHex: hex(salt),
    masterKeyHex: master(c.secret, salt),
    keyHash: keys.keyHash,
    valueKeyHex: hex(keys.valueKey),
    aadHex: hex(associatedDataV2(binding)),
    ciphertext,
  });
}

// ---- secret generation ids ------------------------------------------------
const generationVectors = [];
for (const [name, secret, storeId] of [
  ["ascii", SECRET, "oauth-tokens"],
  ["same secret, other store", SECRET, "other-store"],
  ["unicode secret", "pässwörd-🔐-秘密-ключ-0123456789abcdef", "user_notes"],
  ["short secret", "s", "_"],
] as const) {
  const salt = generationSalt(storeId);
  generationVectors.push({ name, secret, storeId, saltHex: hex(salt), masterKeyHex: master(secret, salt), generation: await deriveGenerationId(secret, storeId) });
}

// ---- ciphertexts a reader must refuse, and why ----------------------------
const base = await deriveEntryKeys(SECRET, "oauth-tokens", "gh:12345");
const other = await deriveEntryKeys(SECRET, "oauth-tokens", "gh:67890");
// "tok": 4 + 12 + 3 + 16 = 35 bytes, 47 characters: the last one has 2 unused bits.
const at = (version: number, context = "prod"): EntryBinding => ({ storeId: "oauth-tokens", keyHash: base.keyHash, version, context });
const nonce = Buffer.from("5a5a5a5a5a5a5a5a5a5a5a5a", "hex");
const good = encryptV2WithNonce(base.valueKey, at(3), Buffer.from("tok", "utf8"), nonce);
const goodBody = good.slice(3);
const raw = Buffer.from(goodBody, "base64url");
const v1Good = vectors[0]!.ciphertext;
const flip = (bytes: Buffer, i: number) => {
  const b = Buffer.from(bytes);
  b[i]! ^= 0x01;
  return "v2." + b.toString("base64url");
};
const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// The last character with one of its unused low bits set: a lenient decoder reads the same bytes.
const lastIndex = alphabet.indexOf(goodBody.at(-1)!);
const trailingBits = "v2." + goodBody.slice(0, -1) + alphabet[lastIndex | 1];
if (Buffer.from(trailingBits.slice(3), "base64url").equals(raw) === false) throw new Error("trailing-bits vector decodes differently even leniently");
const withChar = (i: number, ch: string) => "v2." + goodBody.slice(0, i) + ch + goodBody.slice(i + 1);

type Failure = {
  name: string;
  reason: string;
  expected: "DECRYPTION_FAILED" | "ROLLBACK_DETECTED";
  ciphertext: string;
  binding?: EntryBinding;
  valueKey?: Buffer;
  acceptV1?: boolean;
};
const failures: Failure[] = [
  { name: "padding", reason: "base64url with '=' padding; the format has none", expected: "DECRYPTION_FAILED", ciphertext: good + "=" },
  { name: "plus", reason: "'+' is standard base64, not base64url", expected: "DECRYPTION_FAILED", ciphertext: withChar(10, "+") },
  { name: "slash", reason: "'/' is standard base64, not base64url", expected: "DECRYPTION_FAILED", ciphertext: withChar(10, "/") },
  { name: "unused trailing bits", reason: "the last character's unused bits are not zero (not canonical; a lenient decoder reads the same bytes)", expected: "DECRYPTION_FAILED", ciphertext: trailingBits },
  { name: "impossible length", reason: "a base64url length of 1 modulo 4 encodes no whole byte", expected: "DECRYPTION_FAILED", ciphertext: good + "AA" },
  { name: "whitespace", reason: "a line break inside the base64url text", expected: "DECRYPTION_FAILED", ciphertext: "v2." + goodBody.slice(0, 20) + "\n" + goodBody.slice(20) },
  { name: "non-ASCII character", reason: "a character outside the base64url alphabet", expected: "DECRYPTION_FAILED", ciphertext: withChar(5, "é") },
  { name: "unknown version tag", reason: "'v3.' is no format this reader knows", expected: "DECRYPTION_FAILED", ciphertext: "v3." + goodBody },
  { name: "tag case", reason: "the version tag is case-sensitive", expected: "DECRYPTION_FAILED", ciphertext: "V2." + goodBody },
  { name: "no tag", reason: "no version tag at all", expected: "DECRYPTION_FAILED", ciphertext: goodBody },
  { name: "empty body", reason: "nothing after the tag", expected: "DECRYPTION_FAILED", ciphertext: "v2." },
  { name: "too short", reason: "31 bytes: less than version, nonce and tag (32)", expected: "DECRYPTION_FAILED", ciphertext: "v2." + raw.subarray(0, 31).toString("base64url") },
  { name: "tag flipped", reason: "one bit of the GCM tag changed", expected: "DECRYPTION_FAILED", ciphertext: flip(raw, raw.length - 1) },
  { name: "ciphertext flipped", reason: "one bit of the encrypted value changed", expected: "DECRYPTION_FAILED", ciphertext: flip(raw, 16) },
  { name: "nonce flipped", reason: "one bit of the nonce changed", expected: "DECRYPTION_FAILED", ciphertext: flip(raw, 4) },
  { name: "header version changed", reason: "the version header says 2 but the value was sealed for 3: the associated data differs (tampering, not a replay)", expected: "DECRYPTION_FAILED", ciphertext: flip(raw, 3), binding: at(2) },
  { name: "rollback", reason: "an authentic value for version 3 read where the vault reports version 5: an older value was put back", expected: "ROLLBACK_DETECTED", ciphertext: good, binding: at(5) },
  { name: "resurrection", reason: "an authentic value for version 3 read where the vault reports version 1 (the entry was deleted and written again)", expected: "ROLLBACK_DETECTED", ciphertext: good, binding: at(1) },
  { name: "other context", reason: "sealed for context 'prod', read with context 'staging' (moved between projects that share a secret)", expected: "DECRYPTION_FAILED", ciphertext: good, binding: at(3, "staging") },
  { name: "no context", reason: "sealed for context 'prod', read without a context", expected: "DECRYPTION_FAILED", ciphertext: good, binding: at(3, "") },
  { name: "other store", reason: "read as an entry of another store", expected: "DECRYPTION_FAILED", ciphertext: good, binding: { ...at(3), storeId: "other-store" } },
  { name: "other entry", reason: "read as another entry (key hash) of the same store, with that entry's key", expected: "DECRYPTION_FAILED", ciphertext: good, binding: { ...at(3), keyHash: other.keyHash }, valueKey: other.valueKey },
  { name: "other key hash", reason: "the right key, but the associated data names another key hash", expected: "DECRYPTION_FAILED", ciphertext: good, binding: { ...at(3), keyHash: other.keyHash } },
  { name: "v1 relabeled v2", reason: "a v1 ciphertext with its tag changed to v2", expected: "DECRYPTION_FAILED", ciphertext: "v2." + v1Good.slice(3), binding: at(3, "") },
  { name: "v2 relabeled v1", reason: "a v2 ciphertext with its tag changed to v1", expected: "DECRYPTION_FAILED", ciphertext: "v1." + goodBody },
  { name: "not UTF-8", reason: "authentic, but the plaintext (ff fe) is not UTF-8: no SDK writes that", expected: "DECRYPTION_FAILED", ciphertext: encryptV2WithNonce(base.valueKey, at(3), Buffer.from([0xff, 0xfe]), nonce) },
  { name: "version 0", reason: "authentic, but sealed for version 0, which no entry has", expected: "DECRYPTION_FAILED", ciphertext: encryptV2WithNonce(base.valueKey, at(0), Buffer.from("tok"), nonce), binding: at(0) },
  { name: "v1 refused", reason: "an authentic v1 value, read by a client that no longer accepts v1 (acceptV1 false): a downgrade", expected: "ROLLBACK_DETECTED", ciphertext: v1Good, binding: at(3, ""), acceptV1: false },
  { name: "v1 padding", reason: "v1 decoding is as strict: '=' padding", expected: "DECRYPTION_FAILED", ciphertext: v1Good + "=", binding: at(3, "") },
  { name: "v1 plus", reason: "v1 decoding is as strict: '+' instead of '-'", expected: "DECRYPTION_FAILED", ciphertext: v1Good.slice(0, 10) + "+" + v1Good.slice(11), binding: at(3, "") },
];

const failureVectors = failures.map((f) => {
  const binding = f.binding ?? at(3);
  const valueKey = f.valueKey ?? base.valueKey;
  // The SDK must agree with what the vector says.
  let got = "accepted";
  try {
    decryptValue(valueKey, binding, f.ciphertext, { acceptV1: f.acceptV1 ?? true });
  } catch (error) {
    got = (error as { code: string }).code;
  }
  if (got !== f.expected) throw new Error(`${f.name}: the SDK answers ${got}, the vector says ${f.expected}`);
  return {
    name: f.name,
    reason: f.reason,
    expected: f.expected,
    valueKeyHex: hex(valueKey),
    storeId: binding.storeId,
    keyHash: binding.keyHash,
    version: binding.version,
    context: binding.context,
    acceptV1: f.acceptV1 ?? true,
    ciphertext: f.ciphertext,
  };
});

const file = {
  formats: [FORMAT_LABEL, FORMAT_LABEL_V2],
  description:
    "Test vectors for the Data Vault SDK's client-side formats v1 and v2 (docs/crypto.md, 'Test vectors'): v1 vectors, v2 vectors, secret generation ids, and ciphertexts a reader must refuse, each with the reason and the error.",
  vectors,
  v2Vectors,
  generationVectors,
  failureVectors,
};
const target = fileURLToPath(new URL("../test-vectors.json", import.meta.url));
writeFileSync(target, JSON.stringify(file, null, 2) + "\n");
console.log(`wrote ${vectors.length} v1, ${v2Vectors.length} v2, ${generationVectors.length} generation and ${failureVectors.length} failure vectors to ${target}`);
