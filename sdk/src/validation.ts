import { base64UrlLength } from "./crypto/encoding.js";
import { CIPHERTEXT_PREFIX, NONCE_BYTES, TAG_BYTES } from "./crypto/format.js";
import { DataVaultError, invalidArgument } from "./errors.js";

export const STORE_ID_PATTERN = /^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}$/;
export const KEY_HASH_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
/** Server default for the ciphertext string (API.md). */
export const DEFAULT_MAX_VALUE_CHARS = 2_097_152;
export const MAX_BATCH_KEYS = 100;

// A lone surrogate encodes to U+FFFD in UTF-8, so "\uD800" and "\uDBFF"
// would derive the same key hash; and a value with one would not read back
// as written. Reject instead of silently merging or altering.
const LONE_SURROGATE = /\p{Cs}/u;

export function assertStoreId(storeId: unknown): asserts storeId is string {
  if (typeof storeId !== "string" || !STORE_ID_PATTERN.test(storeId)) {
    throw invalidArgument("Store id must match ^[a-zA-Z0-9_][a-zA-Z0-9_-]{0,62}$.");
  }
}

export function assertKey(key: unknown): asserts key is string {
  if (typeof key !== "string" || key.length === 0) throw invalidArgument("Key must be a non-empty string.");
  if (LONE_SURROGATE.test(key)) throw invalidArgument("Key contains a lone UTF-16 surrogate.");
}

/** Ciphertext characters for a plaintext of `bytes` UTF-8 bytes. */
export function ciphertextLength(plaintextBytes: number): number {
  return CIPHERTEXT_PREFIX.length + base64UrlLength(NONCE_BYTES + plaintextBytes + TAG_BYTES);
}

/** Largest UTF-8 plaintext whose ciphertext fits in `maxValueChars`. */
export function maxPlaintextBytes(maxValueChars: number): number {
  const raw = Math.floor((maxValueChars - CIPHERTEXT_PREFIX.length) * 3 / 4);
  let bytes = raw - NONCE_BYTES - TAG_BYTES;
  while (bytes > 0 && ciphertextLength(bytes) > maxValueChars) bytes -= 1;
  return Math.max(bytes, -1);
}

export function assertValue(value: unknown, maxValueChars: number): asserts value is string {
  if (typeof value !== "string") throw invalidArgument("Value must be a string.");
  if (LONE_SURROGATE.test(value)) throw invalidArgument("Value contains a lone UTF-16 surrogate.");
  const bytes = Buffer.byteLength(value, "utf8");
  const limit = maxPlaintextBytes(maxValueChars);
  if (bytes > limit) {
    throw new DataVaultError(
      "VALUE_TOO_LARGE",
      `Value is ${bytes} UTF-8 bytes; at most ${limit} fit in the vault's ${maxValueChars}-character ciphertext limit.`,
    );
  }
}

export function assertIfVersion(ifVersion: unknown): void {
  if (ifVersion === undefined) return;
  if (typeof ifVersion !== "number" || !Number.isSafeInteger(ifVersion) || ifVersion < 0) {
    throw invalidArgument("ifVersion must be a non-negative integer.");
  }
}

export function normalizeExpiresAt(expiresAt: Date | string | null | undefined): string | null | undefined {
  if (expiresAt === undefined || expiresAt === null) return expiresAt;
  const date = expiresAt instanceof Date ? expiresAt : new Date(expiresAt);
  if (Number.isNaN(date.getTime())) throw invalidArgument("expiresAt must be a valid date or ISO-8601 string.");
  return date.toISOString();
}
