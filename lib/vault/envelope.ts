import "server-only";
// The vault's own (second) layer: AES-256-GCM envelope encryption. Every
// blob starts with a format byte; every ciphertext is bound by associated
// data to where it belongs. docs/formats.md is the written form of this
// file, and lib/vault/envelope.vectors.json holds test vectors.
import { createCipheriv, createDecipheriv } from "node:crypto";
import { pooledRandomBytes } from "./random";
import { IntegrityError } from "./errors";

export const FORMAT_V1 = 0x01;
/** What Prisma stores in a Bytes column (Node's Buffer is one, typed wider). */
export type Blob = Uint8Array<ArrayBuffer>;
const asBlob = (b: Buffer): Blob => b as Blob;
const NONCE = 12;
const TAG = 16;
const KEY = 32;

/** Where an entry belongs; all of it goes into the associated data. */
export type EntryIdentity = { projectId: string; storeRef: string; keyHash: string; version: number };

function lp(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

export function entryAad(id: EntryIdentity): Buffer {
  return Buffer.concat([lp("data-vault/entry/v1"), lp(id.projectId), lp(id.storeRef), lp(id.keyHash), u32(id.version)]);
}

export function dataKeyAad(id: EntryIdentity, masterKeyVersion: number): Buffer {
  return Buffer.concat([lp("data-vault/data-key/v1"), u32(masterKeyVersion), lp(id.projectId), lp(id.storeRef), lp(id.keyHash), u32(id.version)]);
}

export function masterKeyAad(version: number): Buffer {
  return Buffer.concat([lp("data-vault/master-key/v1"), u32(version)]);
}

function seal(key: Buffer, plaintext: Buffer, aad: Buffer, nonce: Buffer = pooledRandomBytes(NONCE)): Buffer {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, ct, cipher.getAuthTag()]);
}

function open(key: Buffer, sealed: Buffer, aad: Buffer, what: string): Buffer {
  if (sealed.length < NONCE + TAG) throw new IntegrityError(`${what}: too short`);
  const nonce = sealed.subarray(0, NONCE);
  const tag = sealed.subarray(sealed.length - TAG);
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(NONCE, sealed.length - TAG)), decipher.final()]);
  } catch {
    throw new IntegrityError(`${what}: authentication failed`);
  }
}

function checkFormat(blob: Buffer, what: string): void {
  if (blob.length === 0 || blob[0] !== FORMAT_V1) throw new IntegrityError(`${what}: unknown format`);
}

/** ciphertext blob = 0x01 || nonce(12) || AES-GCM(dataKey, value) || tag(16) */
export function encryptValue(dataKey: Buffer, value: string, id: EntryIdentity, nonce?: Buffer): Blob {
  return asBlob(Buffer.concat([Buffer.of(FORMAT_V1), seal(dataKey, Buffer.from(value, "utf8"), entryAad(id), nonce)]));
}

export function decryptValue(dataKey: Buffer, blob: Buffer, id: EntryIdentity): string {
  checkFormat(blob, "entry");
  return open(dataKey, blob.subarray(1), entryAad(id), "entry").toString("utf8");
}

/** wrapped key blob = 0x01 || masterKeyVersion(u32 BE) || nonce(12) || AES-GCM(masterKey, dataKey) || tag(16) */
export function wrapDataKey(masterKey: Buffer, masterKeyVersion: number, dataKey: Buffer, id: EntryIdentity, nonce?: Buffer): Blob {
  return asBlob(Buffer.concat([Buffer.of(FORMAT_V1), u32(masterKeyVersion), seal(masterKey, dataKey, dataKeyAad(id, masterKeyVersion), nonce)]));
}

/** The master key version a wrapped data key names (authenticated on unwrap). */
export function wrappedKeyVersion(blob: Buffer): number {
  checkFormat(blob, "data key");
  if (blob.length < 5) throw new IntegrityError("data key: too short");
  return blob.readUInt32BE(1);
}

export function unwrapDataKey(masterKey: Buffer, blob: Buffer, id: EntryIdentity): Buffer {
  const version = wrappedKeyVersion(blob);
  const key = open(masterKey, blob.subarray(5), dataKeyAad(id, version), "data key");
  if (key.length !== KEY) throw new IntegrityError("data key: wrong length");
  return key;
}

/** master key blob = 0x01 || nonce(12) || AES-GCM(rootKey, masterKey) || tag(16) */
export function wrapMasterKey(rootKey: Buffer, version: number, masterKey: Buffer, nonce?: Buffer): Blob {
  return asBlob(Buffer.concat([Buffer.of(FORMAT_V1), seal(rootKey, masterKey, masterKeyAad(version), nonce)]));
}

export function unwrapMasterKey(rootKey: Buffer, version: number, blob: Buffer): Buffer {
  checkFormat(blob, "master key");
  const key = open(rootKey, blob.subarray(1), masterKeyAad(version), "master key");
  if (key.length !== KEY) throw new IntegrityError("master key: wrong length");
  return key;
}

/** A public fingerprint of a root key, to tell which root key wraps a master key. */
export { rootKeyId } from "./root-key-id";

export function newKey(): Buffer {
  return pooledRandomBytes(KEY);
}
