import { describe, expect, it } from "vitest";
import { decryptValue, encryptValue, encryptWithNonce, type EntryBinding } from "../src/crypto/cipher.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { DataVaultDecryptionError, DataVaultRollbackError } from "../src/errors.js";
import { SECRET } from "./helpers.js";

const keys = await deriveEntryKeys(SECRET, "oauth-tokens", "gh:1");
const at = (version: number, extra: Partial<EntryBinding> = {}): EntryBinding => ({ storeId: "oauth-tokens", keyHash: keys.keyHash, version, context: "", ...extra });

describe("value encryption (format v2)", () => {
  it("round-trips and uses a fresh nonce every time", () => {
    const a = encryptValue(keys.valueKey, at(1), "token");
    const b = encryptValue(keys.valueKey, at(1), "token");
    expect(a).not.toBe(b);
    expect(a.startsWith("v2.")).toBe(true);
    expect(decryptValue(keys.valueKey, at(1), a)).toBe("token");
  });

  it("turns every single-bit flip into a decryption error, never a rollback", () => {
    const ciphertext = encryptValue(keys.valueKey, at(4), "a short token value");
    const raw = Buffer.from(ciphertext.slice(3), "base64url");
    for (let i = 0; i < raw.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const bad = Buffer.from(raw);
        bad[i] = (bad[i] as number) ^ mask;
        expect(() => decryptValue(keys.valueKey, at(4), "v2." + bad.toString("base64url")), `byte ${i}`).toThrow(DataVaultDecryptionError);
      }
    }
  });

  it("rejects truncation, extension, other prefixes and non-canonical base64url", () => {
    const ciphertext = encryptValue(keys.valueKey, at(1), "value");
    const bad = [
      ciphertext.slice(0, -1),
      ciphertext + "A",
      ciphertext.replace(/^v2\./, "v3."),
      ciphertext.replace(/^v2\./, "v1."),
      ciphertext.slice(3),
      "v2.",
      "v2." + "A".repeat(10),
      ciphertext + "=",
      ciphertext.slice(0, 10) + "+" + ciphertext.slice(11),
    ];
    for (const text of bad) expect(() => decryptValue(keys.valueKey, at(1), text), text).toThrow(DataVaultDecryptionError);
  });

  it("binds the ciphertext to its store, key hash and context (associated data)", async () => {
    const ciphertext = encryptValue(keys.valueKey, at(1, { context: "prod" }), "value");
    expect(decryptValue(keys.valueKey, at(1, { context: "prod" }), ciphertext)).toBe("value");
    expect(() => decryptValue(keys.valueKey, at(1, { context: "staging" }), ciphertext)).toThrow(DataVaultDecryptionError);
    expect(() => decryptValue(keys.valueKey, at(1), ciphertext)).toThrow(DataVaultDecryptionError);
    expect(() => decryptValue(keys.valueKey, at(1, { context: "prod", storeId: "other-store" }), ciphertext)).toThrow(DataVaultDecryptionError);
    const other = await deriveEntryKeys(SECRET, "oauth-tokens", "gh:2");
    expect(() => decryptValue(keys.valueKey, at(1, { context: "prod", keyHash: other.keyHash }), ciphertext)).toThrow(DataVaultDecryptionError);
    expect(() => decryptValue(other.valueKey, at(1, { context: "prod", keyHash: other.keyHash }), ciphertext)).toThrow(DataVaultDecryptionError);
  });

  it("binds the version: an authentic value read at another version is a typed rollback", () => {
    const ciphertext = encryptValue(keys.valueKey, at(3), "old token");
    for (const version of [1, 2, 4, 99]) {
      const error = (() => {
        try {
          decryptValue(keys.valueKey, at(version), ciphertext);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(DataVaultRollbackError);
      expect(error).toMatchObject({ code: "ROLLBACK_DETECTED", expectedVersion: version, foundVersion: 3 });
      expect((error as Error).message).not.toContain("old token");
    }
    expect(decryptValue(keys.valueKey, at(3), ciphertext)).toBe("old token");
  });

  it("reads v1 values unless told not to, and then calls them a downgrade", () => {
    const v1 = encryptWithNonce(keys.valueKey, "oauth-tokens", keys.keyHash, "legacy", Buffer.alloc(12, 7));
    expect(decryptValue(keys.valueKey, at(9, { context: "any" }), v1)).toBe("legacy");
    expect(() => decryptValue(keys.valueKey, at(9), v1, { acceptV1: false })).toThrow(DataVaultRollbackError);
    // A tampered v1 value is still a decryption error, whatever acceptV1 says.
    const bad = v1.slice(0, -2) + (v1.at(-2) === "A" ? "B" : "A") + v1.at(-1);
    expect(() => decryptValue(keys.valueKey, at(9), bad, { acceptV1: false })).toThrow(DataVaultDecryptionError);
  });

  it("refuses to seal for a version the vault cannot have", () => {
    for (const version of [0, -1, 1.5, 2 ** 31]) expect(() => encryptValue(keys.valueKey, at(version), "v")).toThrow(RangeError);
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
    const ciphertext = encryptValue(keys.valueKey, at(1), "");
    expect(ciphertext.length).toBe(3 + 43); // base64url of 4 + 12 + 16 bytes
    expect(decryptValue(keys.valueKey, at(1), ciphertext)).toBe("");
  });
});
