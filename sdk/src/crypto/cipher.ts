import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DataVaultDecryptionError, DataVaultRollbackError } from "../errors.js";
import { fromBase64Url, lengthPrefixed, toBase64Url } from "./encoding.js";
import {
  CIPHERTEXT_PREFIX,
  CIPHERTEXT_PREFIX_V2,
  FORMAT_LABEL,
  FORMAT_LABEL_V2,
  MAX_ENTRY_VERSION,
  NONCE_BYTES,
  TAG_BYTES,
  VERSION_BYTES,
} from "./format.js";

/**
 * Where a ciphertext belongs: its store, its entry (key hash), the entry
 * version it is written for (the version the vault assigns to that write),
 * and the app's context string ("" for none).
 */
export interface EntryBinding {
  storeId: string;
  keyHash: string;
  version: number;
  context: string;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

/** v1 AAD: label, store id, key hash, each length-prefixed. */
export function associatedData(storeId: string, keyHash: string): Buffer {
  return lengthPrefixed(FORMAT_LABEL, storeId, keyHash);
}

/** v2 AAD: the v1 fields under the v2 label, then the version (u32) and the context (length-prefixed). */
export function associatedDataV2(binding: EntryBinding): Buffer {
  return Buffer.concat([lengthPrefixed(FORMAT_LABEL_V2, binding.storeId, binding.keyHash), u32(binding.version), lengthPrefixed(binding.context)]);
}

function seal(valueKey: Buffer, nonce: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes`);
  const cipher = createCipheriv("aes-256-gcm", valueKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]);
}

/**
 * Format v1 with a caller-chosen nonce. Only test vectors may call this
 * (the SDK writes v2): reusing a nonce under one key breaks AES-GCM.
 */
export function encryptWithNonce(valueKey: Buffer, storeId: string, keyHash: string, value: string, nonce: Buffer): string {
  return CIPHERTEXT_PREFIX + toBase64Url(seal(valueKey, nonce, Buffer.from(value, "utf8"), associatedData(storeId, keyHash)));
}

/**
 * Format v2 with a caller-chosen nonce, and raw plaintext bytes. Only test
 * vectors may call this (they also need bytes that are not UTF-8).
 */
export function encryptV2WithNonce(valueKey: Buffer, binding: EntryBinding, plaintext: Buffer, nonce: Buffer): string {
  if (!Number.isInteger(binding.version) || binding.version < 0 || binding.version > 0xffff_ffff) throw new RangeError("version must be a u32");
  return CIPHERTEXT_PREFIX_V2 + toBase64Url(Buffer.concat([u32(binding.version), seal(valueKey, nonce, plaintext, associatedDataV2(binding))]));
}

/** Encrypts a value for the given entry version (format v2, random nonce). */
export function encryptValue(valueKey: Buffer, binding: EntryBinding, value: string): string {
  if (!Number.isInteger(binding.version) || binding.version < 1 || binding.version > MAX_ENTRY_VERSION) {
    throw new RangeError("an entry version is 1 to 2^31 - 1");
  }
  return encryptV2WithNonce(valueKey, binding, Buffer.from(value, "utf8"), randomBytes(NONCE_BYTES));
}

function open(valueKey: Buffer, raw: Buffer, aad: Buffer): string {
  const nonce = raw.subarray(0, NONCE_BYTES);
  const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", valueKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    // fatal: a tag that verifies but bytes that are not UTF-8 cannot come
    // from this SDK; report it rather than return replacement characters.
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    // The cause is left out on purpose: it carries nothing useful and a
    // generic message cannot leak anything.
    throw new DataVaultDecryptionError("Ciphertext failed authentication (tampered, corrupt, or written for another entry or context).");
  }
}

function body(ciphertext: string, prefix: string, minBytes: number): Buffer {
  const raw = fromBase64Url(ciphertext.slice(prefix.length));
  if (raw === null || raw.length < minBytes) throw new DataVaultDecryptionError("Ciphertext is malformed.");
  return raw;
}

export interface DecryptOptions {
  /** Accept format v1 ciphertexts (which carry no version). Default true. */
  acceptV1?: boolean;
}

/**
 * Decrypts a ciphertext read from the entry `binding` names, at the version
 * the vault reports for it. Throws DataVaultDecryptionError for anything
 * that is not an authentic ciphertext of this entry and context, and
 * DataVaultRollbackError for an authentic one written for another version
 * (or a v1 one when v1 is not accepted).
 */
export function decryptValue(valueKey: Buffer, binding: EntryBinding, ciphertext: string, options: DecryptOptions = {}): string {
  if (ciphertext.startsWith(CIPHERTEXT_PREFIX_V2)) {
    const raw = body(ciphertext, CIPHERTEXT_PREFIX_V2, VERSION_BYTES + NONCE_BYTES + TAG_BYTES);
    const written = raw.readUInt32BE(0);
    if (written === 0) throw new DataVaultDecryptionError("Ciphertext is malformed.");
    // Authenticate under the version the ciphertext names: only an authentic
    // ciphertext can then be called a replay, never a corrupt one.
    const value = open(valueKey, raw.subarray(VERSION_BYTES), associatedDataV2({ ...binding, version: written }));
    if (written !== binding.version) throw new DataVaultRollbackError(binding.version, written);
    return value;
  }
  if (ciphertext.startsWith(CIPHERTEXT_PREFIX)) {
    const raw = body(ciphertext, CIPHERTEXT_PREFIX, NONCE_BYTES + TAG_BYTES);
    const value = open(valueKey, raw, associatedData(binding.storeId, binding.keyHash));
    if (options.acceptV1 === false) throw new DataVaultRollbackError(binding.version, null);
    return value;
  }
  throw new DataVaultDecryptionError("Ciphertext has an unknown format version.");
}
