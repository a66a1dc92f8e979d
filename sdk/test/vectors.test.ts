// Checks sdk/test-vectors.json twice: against an implementation of the
// published formats written here from docs/crypto.md with node:crypto only
// (including its strict decoder), and against the SDK's own code. The
// Python implementation in sdk/test/python checks the same file
// (python-reference.test.ts).
import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decryptValue, encryptV2WithNonce, encryptWithNonce } from "../src/crypto/cipher.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { deriveGenerationId } from "../src/crypto/generation.js";

interface Vector {
  name: string;
  secret: string;
  storeId: string;
  key: string;
  value: string;
  nonceHex: string;
  saltHex: string;
  masterKeyHex: string;
  keyHash: string;
  valueKeyHex: string;
  aadHex: string;
  ciphertext: string;
}
type V2Vector = Vector & { version: number; context: string };
interface GenerationVector {
  name: string;
  secret: string;
  storeId: string;
  saltHex: string;
  masterKeyHex: string;
  generation: string;
}
interface FailureVector {
  name: string;
  reason: string;
  expected: "DECRYPTION_FAILED" | "ROLLBACK_DETECTED";
  valueKeyHex: string;
  storeId: string;
  keyHash: string;
  version: number;
  context: string;
  acceptV1: boolean;
  ciphertext: string;
}

const file = JSON.parse(readFileSync(new URL("../test-vectors.json", import.meta.url), "utf8")) as {
  formats: string[];
  vectors: Vector[];
  v2Vectors: V2Vector[];
  generationVectors: GenerationVector[];
  failureVectors: FailureVector[];
};

// ---- independent implementation (docs/crypto.md) ----
function lp(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const head = Buffer.alloc(4);
  head.writeUInt32BE(bytes.length);
  return Buffer.concat([head, bytes]);
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
const hkdf = (ikm: Buffer, info: string, length: number) => Buffer.from(hkdfSync("sha256", ikm, Buffer.alloc(0), Buffer.from(info), length));

function derive(secret: string, storeId: string, key: string) {
  const salt = Buffer.concat([lp("data-vault/sdk/v1"), lp(storeId), lp(key)]);
  const master = pbkdf2Sync(Buffer.from(secret, "utf8"), salt, 100_000, 32, "sha256");
  return { salt, master, keyHash: hkdf(master, "data-vault/sdk/v1/key-hash", 32).toString("base64url"), valueKey: hkdf(master, "data-vault/sdk/v1/value-key", 32) };
}

function gcm(key: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

const aadV1 = (storeId: string, keyHash: string) => Buffer.concat([lp("data-vault/sdk/v1"), lp(storeId), lp(keyHash)]);
const aadV2 = (storeId: string, keyHash: string, version: number, context: string) =>
  Buffer.concat([lp("data-vault/sdk/v2"), lp(storeId), lp(keyHash), u32(version), lp(context)]);

/** docs/crypto.md section 4: canonical base64url without padding, or null. */
function strictB64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : null;
}

class Refused extends Error {
  constructor(readonly code: "DECRYPTION_FAILED" | "ROLLBACK_DETECTED") {
    super(code);
  }
}

function referenceDecrypt(valueKey: Buffer, storeId: string, keyHash: string, version: number, context: string, text: string, acceptV1: boolean): string {
  const open = (raw: Buffer, aad: Buffer) => {
    try {
      const d = createDecipheriv("aes-256-gcm", valueKey, raw.subarray(0, 12));
      d.setAAD(aad);
      d.setAuthTag(raw.subarray(raw.length - 16));
      const plain = Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
      return new TextDecoder("utf-8", { fatal: true }).decode(plain);
    } catch {
      throw new Refused("DECRYPTION_FAILED");
    }
  };
  if (text.startsWith("v2.")) {
    const raw = strictB64(text.slice(3));
    if (raw === null || raw.length < 32) throw new Refused("DECRYPTION_FAILED");
    const written = raw.readUInt32BE(0);
    if (written === 0) throw new Refused("DECRYPTION_FAILED");
    const value = open(raw.subarray(4), aadV2(storeId, keyHash, written, context));
    if (written !== version) throw new Refused("ROLLBACK_DETECTED");
    return value;
  }
  if (text.startsWith("v1.")) {
    const raw = strictB64(text.slice(3));
    if (raw === null || raw.length < 28) throw new Refused("DECRYPTION_FAILED");
    const value = open(raw, aadV1(storeId, keyHash));
    if (!acceptV1) throw new Refused("ROLLBACK_DETECTED");
    return value;
  }
  throw new Refused("DECRYPTION_FAILED");
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return "accepted";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
};

describe("test vectors", () => {
  it("cover the cases the formats promise", () => {
    expect(file.formats).toEqual(["data-vault/sdk/v1", "data-vault/sdk/v2"]);
    const names = file.vectors.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(["ascii", "unicode key and secret", "empty value", "long value"]));
    expect(file.vectors.find((v) => v.name === "empty value")?.value).toBe("");
    expect(file.vectors.find((v) => v.name === "long value")?.value.length).toBeGreaterThan(4000);
    expect(file.v2Vectors.length).toBeGreaterThanOrEqual(6);
    expect(file.v2Vectors.some((v) => v.context !== "" && /[^\x00-\x7f]/.test(v.context))).toBe(true);
    expect(file.v2Vectors.some((v) => v.version === 2 ** 31 - 1)).toBe(true);
    expect(file.generationVectors.length).toBeGreaterThanOrEqual(3);
    expect(file.failureVectors.length).toBeGreaterThanOrEqual(25);
    expect(file.failureVectors.every((f) => f.reason.length > 10)).toBe(true);
    expect(new Set(file.failureVectors.map((f) => f.expected))).toEqual(new Set(["DECRYPTION_FAILED", "ROLLBACK_DETECTED"]));
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))("v1 %s: independent implementation reproduces every field", (_, v) => {
    const ref = derive(v.secret, v.storeId, v.key);
    expect(ref.salt.toString("hex")).toBe(v.saltHex);
    expect(ref.master.toString("hex")).toBe(v.masterKeyHex);
    expect(ref.keyHash).toBe(v.keyHash);
    expect(v.keyHash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(ref.valueKey.toString("hex")).toBe(v.valueKeyHex);
    expect(aadV1(v.storeId, ref.keyHash).toString("hex")).toBe(v.aadHex);
    const nonce = Buffer.from(v.nonceHex, "hex");
    expect("v1." + Buffer.concat([nonce, gcm(ref.valueKey, nonce, Buffer.from(v.value, "utf8"), aadV1(v.storeId, ref.keyHash))]).toString("base64url")).toBe(v.ciphertext);
    expect(referenceDecrypt(ref.valueKey, v.storeId, ref.keyHash, 1, "", v.ciphertext, true)).toBe(v.value);
  });

  it.each(file.v2Vectors.map((v) => [v.name, v] as const))("v2 %s: independent implementation reproduces every field", (_, v) => {
    const ref = derive(v.secret, v.storeId, v.key);
    expect(ref.salt.toString("hex")).toBe(v.saltHex);
    expect(ref.keyHash).toBe(v.keyHash);
    expect(ref.valueKey.toString("hex")).toBe(v.valueKeyHex);
    const aad = aadV2(v.storeId, ref.keyHash, v.version, v.context);
    expect(aad.toString("hex")).toBe(v.aadHex);
    const nonce = Buffer.from(v.nonceHex, "hex");
    expect("v2." + Buffer.concat([u32(v.version), nonce, gcm(ref.valueKey, nonce, Buffer.from(v.value, "utf8"), aad)]).toString("base64url")).toBe(v.ciphertext);
    expect(referenceDecrypt(ref.valueKey, v.storeId, ref.keyHash, v.version, v.context, v.ciphertext, false)).toBe(v.value);
  });

  it.each(file.generationVectors.map((v) => [v.name, v] as const))("generation %s: independent implementation reproduces it", (_, v) => {
    const salt = Buffer.concat([lp("data-vault/sdk/v2/generation"), lp(v.storeId)]);
    expect(salt.toString("hex")).toBe(v.saltHex);
    const master = pbkdf2Sync(Buffer.from(v.secret, "utf8"), salt, 100_000, 32, "sha256");
    expect(master.toString("hex")).toBe(v.masterKeyHex);
    expect(hkdf(master, "data-vault/sdk/v2/generation-id", 6).toString("base64url")).toBe(v.generation);
    expect(v.generation).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it.each(file.failureVectors.map((f) => [f.name, f] as const))("failure %s: the independent decoder refuses it as the vector says", (_, f) => {
    expect(codeOf(() => referenceDecrypt(Buffer.from(f.valueKeyHex, "hex"), f.storeId, f.keyHash, f.version, f.context, f.ciphertext, f.acceptV1))).toBe(f.expected);
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))("v1 %s: the SDK reproduces it", async (_, v) => {
    const keys = await deriveEntryKeys(v.secret, v.storeId, v.key);
    expect(keys.keyHash).toBe(v.keyHash);
    expect(keys.valueKey.toString("hex")).toBe(v.valueKeyHex);
    expect(encryptWithNonce(keys.valueKey, v.storeId, keys.keyHash, v.value, Buffer.from(v.nonceHex, "hex"))).toBe(v.ciphertext);
    expect(decryptValue(keys.valueKey, { storeId: v.storeId, keyHash: keys.keyHash, version: 1, context: "" }, v.ciphertext)).toBe(v.value);
  });

  it.each(file.v2Vectors.map((v) => [v.name, v] as const))("v2 %s: the SDK reproduces it", async (_, v) => {
    const keys = await deriveEntryKeys(v.secret, v.storeId, v.key);
    const binding = { storeId: v.storeId, keyHash: keys.keyHash, version: v.version, context: v.context };
    expect(encryptV2WithNonce(keys.valueKey, binding, Buffer.from(v.value, "utf8"), Buffer.from(v.nonceHex, "hex"))).toBe(v.ciphertext);
    expect(decryptValue(keys.valueKey, binding, v.ciphertext, { acceptV1: false })).toBe(v.value);
  });

  it.each(file.generationVectors.map((v) => [v.name, v] as const))("generation %s: the SDK reproduces it", async (_, v) => {
    expect(await deriveGenerationId(v.secret, v.storeId)).toBe(v.generation);
  });

  it.each(file.failureVectors.map((f) => [f.name, f] as const))("failure %s: the SDK refuses it as the vector says", (_, f) => {
    const binding = { storeId: f.storeId, keyHash: f.keyHash, version: f.version, context: f.context };
    expect(codeOf(() => decryptValue(Buffer.from(f.valueKeyHex, "hex"), binding, f.ciphertext, { acceptV1: f.acceptV1 }))).toBe(f.expected);
  });

  it("length prefixes keep (\"ab\",\"c\") and (\"a\",\"bc\") apart, and stores apart", () => {
    const byName = new Map(file.vectors.map((v) => [v.name, v]));
    expect(byName.get("length prefix split 1")?.keyHash).not.toBe(byName.get("length prefix split 2")?.keyHash);
    expect(byName.get("same key, other store")?.keyHash).not.toBe(byName.get("ascii")?.keyHash);
    const gens = new Map(file.generationVectors.map((v) => [v.name, v.generation]));
    expect(gens.get("ascii")).not.toBe(gens.get("same secret, other store"));
  });
});
