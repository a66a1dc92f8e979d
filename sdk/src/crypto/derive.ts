import { hkdfSync, pbkdf2 } from "node:crypto";
import { toBase64Url, lengthPrefixed } from "./encoding.js";
import {
  FORMAT_LABEL,
  HKDF_INFO_KEY_HASH,
  HKDF_INFO_VALUE_KEY,
  KEY_HASH_BYTES,
  MASTER_KEY_BYTES,
  PBKDF2_DIGEST,
  PBKDF2_ITERATIONS,
  VALUE_KEY_BYTES,
} from "./format.js";

/** What one logical key under one secret turns into. */
export interface EntryKeys {
  /** Sent to the server as the entry id. */
  readonly keyHash: string;
  /** AES-256-GCM key; never leaves the process. */
  readonly valueKey: Buffer;
}

/** PBKDF2 salt: label, store id and logical key, each length-prefixed. */
export function derivationSalt(storeId: string, key: string): Buffer {
  return lengthPrefixed(FORMAT_LABEL, storeId, key);
}

function pbkdf2Async(password: Buffer, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // The async API runs on libuv's thread pool, so batch derivations run
    // in parallel and never block the event loop for ~40 ms.
    pbkdf2(password, salt, PBKDF2_ITERATIONS, MASTER_KEY_BYTES, PBKDF2_DIGEST, (error, derived) => {
      if (error) reject(error);
      else resolve(derived);
    });
  });
}

function hkdf(masterKey: Buffer, info: string, length: number): Buffer {
  // Empty HKDF salt (RFC 5869: a string of HashLen zeros): the input is
  // already a uniformly random PBKDF2 output, the salt adds nothing.
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), Buffer.from(info, "utf8"), length));
}

/** Exactly one PBKDF2 per call; both outputs come from it through HKDF. */
export async function deriveEntryKeys(secret: string, storeId: string, key: string): Promise<EntryKeys> {
  const masterKey = await pbkdf2Async(Buffer.from(secret, "utf8"), derivationSalt(storeId, key));
  const keyHash = toBase64Url(hkdf(masterKey, HKDF_INFO_KEY_HASH, KEY_HASH_BYTES));
  const valueKey = hkdf(masterKey, HKDF_INFO_VALUE_KEY, VALUE_KEY_BYTES);
  masterKey.fill(0);
  return { keyHash, valueKey };
}
