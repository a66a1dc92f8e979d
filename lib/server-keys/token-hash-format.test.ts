// Server-key hashes (docs/formats.md, "Server-key hashes"): the published
// vectors checked by an independent implementation written here (HKDF done
// by hand from HMAC, RFC 5869), the binding of the sealed digest to its
// hash, and the property the format exists for: without the root key, the
// plain SHA-256 of a token (what a database writer can compute) is not its
// stored hash.
import { createCipheriv, createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { deriveTokenHashKeys, keyedTokenHash, openTokenDigest, sealTokenDigest, storedForm, tokenDigest } from "./token-hash-format";
import { newToken } from "./token";

type Vector = {
  name: string;
  rootKey: string;
  token: string;
  hashKey: string;
  digestKey: string;
  digest: string;
  tokenHash: string;
  digestNonce: string;
  tokenDigest: string;
  legacyTokenHash: string;
};
const { vectors } = JSON.parse(readFileSync(new URL("./token-hash.vectors.json", import.meta.url), "utf8")) as { vectors: Vector[] };

// Independent implementation of the format, sharing no code with token-hash-format.ts.
const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();
const hkdf32 = (ikm: Buffer, info: string) => hmac(hmac(Buffer.alloc(32), ikm), Buffer.concat([Buffer.from(info, "utf8"), Buffer.of(1)]));
const lp = (s: string) => {
  const b = Buffer.from(s, "utf8");
  const n = Buffer.alloc(4);
  n.writeUInt32BE(b.length);
  return Buffer.concat([n, b]);
};
function reference(v: Vector) {
  const root = Buffer.from(v.rootKey, "hex");
  const hashKey = hkdf32(root, "data-vault/server-key-hash/v1");
  const digestKey = hkdf32(root, "data-vault/server-key-digest/v1");
  const digest = createHash("sha256").update(Buffer.from(v.token, "utf8")).digest();
  const tokenHash = `k1:${hmac(hashKey, digest).toString("hex")}`;
  const c = createCipheriv("aes-256-gcm", digestKey, Buffer.from(v.digestNonce, "hex"));
  c.setAAD(Buffer.concat([lp("data-vault/server-key-digest/v1"), lp(tokenHash)]));
  const sealed = Buffer.concat([Buffer.of(1), Buffer.from(v.digestNonce, "hex"), c.update(digest), c.final(), c.getAuthTag()]);
  return { hashKey, digestKey, digest, tokenHash, sealed };
}

describe("server-key hash format k1", () => {
  it.each(vectors.map((v) => [v.name, v] as const))("vector %s: the reference implementation and the code agree with the file", (_, v) => {
    const ref = reference(v);
    expect(ref.hashKey.toString("hex")).toBe(v.hashKey);
    expect(ref.digestKey.toString("hex")).toBe(v.digestKey);
    expect(ref.digest.toString("hex")).toBe(v.digest);
    expect(ref.tokenHash).toBe(v.tokenHash);
    expect(ref.sealed.toString("hex")).toBe(v.tokenDigest);
    const keys = deriveTokenHashKeys(Buffer.from(v.rootKey, "hex"));
    expect(keys.hashKey.toString("hex")).toBe(v.hashKey);
    expect(keys.digestKey.toString("hex")).toBe(v.digestKey);
    expect(keyedTokenHash(keys.hashKey, tokenDigest(v.token))).toBe(v.tokenHash);
    expect(sealTokenDigest(keys.digestKey, tokenDigest(v.token), v.tokenHash, Buffer.from(v.digestNonce, "hex")).toString("hex")).toBe(v.tokenDigest);
    expect(openTokenDigest(keys.digestKey, Buffer.from(v.tokenDigest, "hex"), v.tokenHash).toString("hex")).toBe(v.digest);
    // The legacy form is the plain digest: what migration 0002 re-keys.
    expect(v.legacyTokenHash).toBe(v.digest);
  });

  it("a different root key gives a different hash for the same token", () => {
    expect(new Set(vectors.map((v) => v.tokenHash)).size).toBe(vectors.length);
  });

  it("the plain SHA-256 of a chosen token (what a database writer can compute) is not its stored hash, in any form", () => {
    const token = newToken();
    const root = Buffer.alloc(32, 7);
    const { tokenHash } = storedForm(deriveTokenHashKeys(root), tokenDigest(token));
    const sha = createHash("sha256").update(token).digest("hex");
    expect(tokenHash).not.toContain(sha);
    expect(tokenHash).not.toBe(`k1:${sha}`);
    expect(tokenHash).toMatch(/^k1:[0-9a-f]{64}$/);
  });

  it("a sealed digest opens only under its own hash, its own key and intact", () => {
    const keys = deriveTokenHashKeys(Buffer.alloc(32, 1));
    const a = storedForm(keys, tokenDigest(newToken()));
    const b = storedForm(keys, tokenDigest(newToken()));
    expect(() => openTokenDigest(keys.digestKey, a.tokenDigest, b.tokenHash)).toThrow(/authentication failed/);
    expect(() => openTokenDigest(deriveTokenHashKeys(Buffer.alloc(32, 2)).digestKey, a.tokenDigest, a.tokenHash)).toThrow(/authentication failed/);
    for (const i of [0, 1, 13, 40, a.tokenDigest.length - 1]) {
      const t = Buffer.from(a.tokenDigest);
      t[i]! ^= 0x01;
      expect(() => openTokenDigest(keys.digestKey, t, a.tokenHash)).toThrow(/server-key digest/);
    }
    expect(() => openTokenDigest(keys.digestKey, a.tokenDigest.subarray(0, 20), a.tokenHash)).toThrow(/unknown format/);
  });
});
