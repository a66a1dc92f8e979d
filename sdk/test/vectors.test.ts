// Checks sdk/test-vectors.json twice: against an implementation of the
// published format written here from docs/crypto.md with node:crypto only,
// and against the SDK's own code.
import { createDecipheriv, createCipheriv, hkdfSync, pbkdf2Sync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { encryptWithNonce, decryptValue } from "../src/crypto/cipher.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";

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

const file = JSON.parse(readFileSync(new URL("../test-vectors.json", import.meta.url), "utf8")) as { format: string; vectors: Vector[] };

// ---- independent implementation (docs/crypto.md) ----
function lp(text: string): Buffer {
  const bytes = Buffer.from(text, "utf8");
  const head = Buffer.alloc(4);
  head.writeUInt32BE(bytes.length);
  return Buffer.concat([head, bytes]);
}

function reference(v: Vector) {
  const salt = Buffer.concat([lp("data-vault/sdk/v1"), lp(v.storeId), lp(v.key)]);
  const master = pbkdf2Sync(Buffer.from(v.secret, "utf8"), salt, 100_000, 32, "sha256");
  const keyHash = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), Buffer.from("data-vault/sdk/v1/key-hash"), 32)).toString("base64url");
  const valueKey = Buffer.from(hkdfSync("sha256", master, Buffer.alloc(0), Buffer.from("data-vault/sdk/v1/value-key"), 32));
  const aad = Buffer.concat([lp("data-vault/sdk/v1"), lp(v.storeId), lp(keyHash)]);
  const nonce = Buffer.from(v.nonceHex, "hex");
  const cipher = createCipheriv("aes-256-gcm", valueKey, nonce);
  cipher.setAAD(aad);
  const sealed = Buffer.concat([nonce, cipher.update(Buffer.from(v.value, "utf8")), cipher.final(), cipher.getAuthTag()]);
  return { salt, master, keyHash, valueKey, aad, ciphertext: "v1." + sealed.toString("base64url") };
}

function referenceDecrypt(v: Vector): string {
  const raw = Buffer.from(v.ciphertext.slice(3), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", Buffer.from(v.valueKeyHex, "hex"), raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(v.aadHex, "hex"));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString("utf8");
}

describe("test vectors", () => {
  it("cover the cases the format promises", () => {
    expect(file.format).toBe("data-vault/sdk/v1");
    const names = file.vectors.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(["ascii", "unicode key and secret", "empty value", "long value"]));
    expect(file.vectors.find((v) => v.name === "empty value")?.value).toBe("");
    expect(file.vectors.find((v) => v.name === "long value")?.value.length).toBeGreaterThan(4000);
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))("%s: independent implementation reproduces every field", (_, v) => {
    const ref = reference(v);
    expect(ref.salt.toString("hex")).toBe(v.saltHex);
    expect(ref.master.toString("hex")).toBe(v.masterKeyHex);
    expect(ref.keyHash).toBe(v.keyHash);
    expect(v.keyHash).toMatch(/^[A-Za-z0-9_-]{16,128}$/);
    expect(v.keyHash).toHaveLength(43);
    expect(ref.valueKey.toString("hex")).toBe(v.valueKeyHex);
    expect(ref.aad.toString("hex")).toBe(v.aadHex);
    expect(ref.ciphertext).toBe(v.ciphertext);
    expect(referenceDecrypt(v)).toBe(v.value);
  });

  it.each(file.vectors.map((v) => [v.name, v] as const))("%s: the SDK reproduces it", async (_, v) => {
    const keys = await deriveEntryKeys(v.secret, v.storeId, v.key);
    expect(keys.keyHash).toBe(v.keyHash);
    expect(keys.valueKey.toString("hex")).toBe(v.valueKeyHex);
    expect(encryptWithNonce(keys.valueKey, v.storeId, keys.keyHash, v.value, Buffer.from(v.nonceHex, "hex"))).toBe(v.ciphertext);
    expect(decryptValue(keys.valueKey, v.storeId, keys.keyHash, v.ciphertext)).toBe(v.value);
  });

  it("length prefixes keep (\"ab\",\"c\") and (\"a\",\"bc\") apart, and stores apart", () => {
    const byName = new Map(file.vectors.map((v) => [v.name, v]));
    expect(byName.get("length prefix split 1")?.keyHash).not.toBe(byName.get("length prefix split 2")?.keyHash);
    expect(byName.get("same key, other store")?.keyHash).not.toBe(byName.get("ascii")?.keyHash);
  });
});
