// The server's stored formats: round trips, the binding of every ciphertext
// to where it belongs, and the published vectors (envelope.vectors.json),
// checked by an independent implementation written here with node:crypto.
import { createCipheriv, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decryptValue,
  encryptValue,
  newKey,
  rootKeyId,
  unwrapDataKey,
  unwrapMasterKey,
  wrapDataKey,
  wrapMasterKey,
  type EntryIdentity,
} from "./envelope";
import { IntegrityError } from "./errors";

const id: EntryIdentity = { projectId: "proj_1", storeRef: "store_1", keyHash: "k".repeat(43), version: 3 };

type Vector = {
  name: string;
  rootKey: string;
  masterKeyVersion: number;
  masterKey: string;
  masterKeyNonce: string;
  dataKey: string;
  wrapNonce: string;
  valueNonce: string;
  entry: EntryIdentity;
  value: string;
  rootKeyId: string;
  wrappedMasterKey: string;
  wrappedDataKey: string;
  ciphertext: string;
};

const vectors = JSON.parse(readFileSync(new URL("./envelope.vectors.json", import.meta.url), "utf8")) as { vectors: Vector[] };

// Independent implementation of docs/formats.md, sharing no code with envelope.ts.
const lenPrefixed = (s: string) => {
  const b = Buffer.from(s, "utf8");
  const n = Buffer.alloc(4);
  n.writeUInt32BE(b.length);
  return Buffer.concat([n, b]);
};
const be32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const gcm = (key: Buffer, nonce: Buffer, plain: Buffer, aad: Buffer) => {
  const c = createCipheriv("aes-256-gcm", key, nonce);
  c.setAAD(aad);
  return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
};
function reference(v: Vector) {
  const hex = (s: string) => Buffer.from(s, "hex");
  const e = v.entry;
  const ident = [lenPrefixed(e.projectId), lenPrefixed(e.storeRef), lenPrefixed(e.keyHash), be32(e.version)];
  return {
    rootKeyId: createHmac("sha256", hex(v.rootKey)).update("data-vault/root-key-id/v1").digest("hex").slice(0, 16),
    wrappedMasterKey: Buffer.concat([
      Buffer.of(1),
      gcm(hex(v.rootKey), hex(v.masterKeyNonce), hex(v.masterKey), Buffer.concat([lenPrefixed("data-vault/master-key/v1"), be32(v.masterKeyVersion)])),
    ]).toString("hex"),
    wrappedDataKey: Buffer.concat([
      Buffer.of(1),
      be32(v.masterKeyVersion),
      gcm(hex(v.masterKey), hex(v.wrapNonce), hex(v.dataKey), Buffer.concat([lenPrefixed("data-vault/data-key/v1"), be32(v.masterKeyVersion), ...ident])),
    ]).toString("hex"),
    ciphertext: Buffer.concat([
      Buffer.of(1),
      gcm(hex(v.dataKey), hex(v.valueNonce), Buffer.from(v.value, "utf8"), Buffer.concat([lenPrefixed("data-vault/entry/v1"), ...ident])),
    ]).toString("hex"),
  };
}

describe("envelope format", () => {
  it("round-trips a value through data key and master key", () => {
    const mk = newKey();
    const dk = newKey();
    const wrapped = wrapDataKey(mk, 7, dk, id);
    const ct = encryptValue(dk, "v1.client-ciphertext", id);
    expect(decryptValue(unwrapDataKey(mk, Buffer.from(wrapped), id), Buffer.from(ct), id)).toBe("v1.client-ciphertext");
    const root = newKey();
    expect(unwrapMasterKey(root, 7, Buffer.from(wrapMasterKey(root, 7, mk))).equals(mk)).toBe(true);
  });

  it("fails to decrypt when moved to another project, store, key or version", () => {
    const mk = newKey();
    const dk = newKey();
    const wrapped = Buffer.from(wrapDataKey(mk, 1, dk, id));
    const ct = Buffer.from(encryptValue(dk, "secret", id));
    for (const moved of [
      { ...id, projectId: "proj_2" },
      { ...id, storeRef: "store_2" },
      { ...id, keyHash: "j".repeat(43) },
      { ...id, version: 2 },
    ]) {
      expect(() => unwrapDataKey(mk, wrapped, moved)).toThrow(IntegrityError);
      expect(() => decryptValue(dk, ct, moved)).toThrow(IntegrityError);
    }
    const root = newKey();
    expect(() => unwrapMasterKey(root, 2, Buffer.from(wrapMasterKey(root, 1, mk)))).toThrow(IntegrityError);
    expect(() => unwrapMasterKey(newKey(), 1, Buffer.from(wrapMasterKey(root, 1, mk)))).toThrow(IntegrityError);
  });

  it("rejects every single-bit flip and unknown format versions", () => {
    const mk = newKey();
    const dk = newKey();
    const wrapped = Buffer.from(wrapDataKey(mk, 1, dk, id));
    const ct = Buffer.from(encryptValue(dk, "a value of some length", id));
    for (const [blob, open] of [
      [wrapped, (b: Buffer) => unwrapDataKey(mk, b, id)],
      [ct, (b: Buffer) => decryptValue(dk, b, id)],
    ] as const) {
      for (let i = 0; i < blob.length; i++) {
        for (const bit of [0x01, 0x80]) {
          const t = Buffer.from(blob);
          t[i]! ^= bit;
          expect(() => open(t), `byte ${i}`).toThrow(IntegrityError);
        }
      }
      expect(() => open(blob.subarray(0, 10))).toThrow(IntegrityError);
      expect(() => open(Buffer.alloc(0))).toThrow(IntegrityError);
    }
  });

  it.each(vectors.vectors.map((v) => [v.name, v] as const))("vector %s matches the independent implementation and the code", (_, v) => {
    const ref = reference(v);
    expect(ref).toEqual({ rootKeyId: v.rootKeyId, wrappedMasterKey: v.wrappedMasterKey, wrappedDataKey: v.wrappedDataKey, ciphertext: v.ciphertext });
    const hex = (s: string) => Buffer.from(s, "hex");
    expect(rootKeyId(hex(v.rootKey))).toBe(v.rootKeyId);
    expect(Buffer.from(wrapMasterKey(hex(v.rootKey), v.masterKeyVersion, hex(v.masterKey), hex(v.masterKeyNonce))).toString("hex")).toBe(v.wrappedMasterKey);
    expect(Buffer.from(wrapDataKey(hex(v.masterKey), v.masterKeyVersion, hex(v.dataKey), v.entry, hex(v.wrapNonce))).toString("hex")).toBe(v.wrappedDataKey);
    expect(Buffer.from(encryptValue(hex(v.dataKey), v.value, v.entry, hex(v.valueNonce))).toString("hex")).toBe(v.ciphertext);
    expect(decryptValue(unwrapDataKey(hex(v.masterKey), hex(v.wrappedDataKey), v.entry), hex(v.ciphertext), v.entry)).toBe(v.value);
  });
});
