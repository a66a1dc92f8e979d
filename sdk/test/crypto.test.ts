import { describe, expect, it } from "vitest";
import { decryptValue, encryptValue } from "../src/crypto/cipher.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { DataVaultDecryptionError } from "../src/errors.js";
import { SECRET } from "./helpers.js";

const keys = await deriveEntryKeys(SECRET, "oauth-tokens", "gh:1");

describe("value encryption", () => {
  it("round-trips and uses a fresh nonce every time", () => {
    const a = encryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "token");
    const b = encryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "token");
    expect(a).not.toBe(b);
    expect(a.startsWith("v1.")).toBe(true);
    expect(decryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, a)).toBe("token");
  });

  it("turns every single-byte flip into a decryption error", () => {
    const ciphertext = encryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "a short token value");
    const raw = Buffer.from(ciphertext.slice(3), "base64url");
    for (let i = 0; i < raw.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const bad = Buffer.from(raw);
        bad[i] = (bad[i] as number) ^ mask;
        expect(() => decryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "v1." + bad.toString("base64url")), `byte ${i}`).toThrow(DataVaultDecryptionError);
      }
    }
  });

  it("rejects truncation, extension, other prefixes and non-canonical base64url", () => {
    const ciphertext = encryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "value");
    const bad = [
      ciphertext.slice(0, -1),
      ciphertext + "A",
      ciphertext.replace(/^v1\./, "v2."),
      ciphertext.slice(3),
      "v1.",
      "v1." + "A".repeat(10),
      ciphertext + "=",
      ciphertext.slice(0, 10) + "+" + ciphertext.slice(11),
    ];
    for (const text of bad) {
      expect(() => decryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, text)).toThrow(DataVaultDecryptionError);
    }
  });

  it("binds the ciphertext to its store and key hash (associated data)", async () => {
    const ciphertext = encryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "value");
    expect(() => decryptValue(keys.valueKey, "other-store", keys.keyHash, ciphertext)).toThrow(DataVaultDecryptionError);
    const other = await deriveEntryKeys(SECRET, "oauth-tokens", "gh:2");
    expect(() => decryptValue(keys.valueKey, "oauth-tokens", other.keyHash, ciphertext)).toThrow(DataVaultDecryptionError);
    expect(() => decryptValue(other.valueKey, "oauth-tokens", other.keyHash, ciphertext)).toThrow(DataVaultDecryptionError);
  });

  it("gives unrelated key hashes for one key in two stores or under two secrets", async () => {
    const otherStore = await deriveEntryKeys(SECRET, "other", "gh:1");
    const otherSecret = await deriveEntryKeys(SECRET + "x", "oauth-tokens", "gh:1");
    expect(new Set([keys.keyHash, otherStore.keyHash, otherSecret.keyHash]).size).toBe(3);
    expect(keys.valueKey.equals(otherStore.valueKey)).toBe(false);
    // The value key is not the key hash: what the server sees reveals nothing about it.
    expect(keys.valueKey.toString("base64url")).not.toBe(keys.keyHash);
  });

  it("never produces an empty ciphertext, even for an empty value", () => {
    const ciphertext = encryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, "");
    expect(ciphertext.length).toBe(3 + 38);
    expect(decryptValue(keys.valueKey, "oauth-tokens", keys.keyHash, ciphertext)).toBe("");
  });
});
