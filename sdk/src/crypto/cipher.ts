import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { DataVaultDecryptionError } from "../errors.js";
import { fromBase64Url, lengthPrefixed, toBase64Url } from "./encoding.js";
import { CIPHERTEXT_PREFIX, FORMAT_LABEL, NONCE_BYTES, TAG_BYTES } from "./format.js";

/** AAD: label, store id, key hash, each length-prefixed. */
export function associatedData(storeId: string, keyHash: string): Buffer {
  return lengthPrefixed(FORMAT_LABEL, storeId, keyHash);
}

/**
 * Encrypts with a caller-chosen nonce. Only test vectors may call this:
 * reusing a nonce under one key breaks AES-GCM completely.
 */
export function encryptWithNonce(
  valueKey: Buffer,
  storeId: string,
  keyHash: string,
  value: string,
  nonce: Buffer,
): string {
  if (nonce.length !== NONCE_BYTES) throw new RangeError(`nonce must be ${NONCE_BYTES} bytes`);
  const cipher = createCipheriv("aes-256-gcm", valueKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(storeId, keyHash));
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return CIPHERTEXT_PREFIX + toBase64Url(Buffer.concat([nonce, body, tag]));
}

export function encryptValue(valueKey: Buffer, storeId: string, keyHash: string, value: string): string {
  return encryptWithNonce(valueKey, storeId, keyHash, value, randomBytes(NONCE_BYTES));
}

/** Throws DataVaultDecryptionError for anything but an authentic v1 ciphertext. */
export function decryptValue(valueKey: Buffer, storeId: string, keyHash: string, ciphertext: string): string {
  if (!ciphertext.startsWith(CIPHERTEXT_PREFIX)) {
    throw new DataVaultDecryptionError("Ciphertext has an unknown format version.");
  }
  const raw = fromBase64Url(ciphertext.slice(CIPHERTEXT_PREFIX.length));
  if (raw === null || raw.length < NONCE_BYTES + TAG_BYTES) {
    throw new DataVaultDecryptionError("Ciphertext is malformed.");
  }
  const nonce = raw.subarray(0, NONCE_BYTES);
  const body = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv("aes-256-gcm", valueKey, nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(storeId, keyHash));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(body), decipher.final()]);
    // fatal: a tag that verifies but bytes that are not UTF-8 cannot come
    // from this SDK; report it rather than return replacement characters.
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    // The cause is left out on purpose: it carries nothing useful and a
    // generic message cannot leak anything.
    throw new DataVaultDecryptionError("Ciphertext failed authentication (tampered, corrupt, or written for another entry).");
  }
}
