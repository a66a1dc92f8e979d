import { base64UrlLength } from "./crypto/encoding.js";
import { CIPHERTEXT_PREFIX_V2, MAX_CONTEXT_BYTES, MAX_ENTRY_VERSION, NONCE_BYTES, TAG_BYTES, VERSION_BYTES } from "./crypto/format.js";
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

/** Bytes a v2 ciphertext adds to the plaintext before base64url: version header, nonce, tag. */
const V2_OVERHEAD_BYTES = VERSION_BYTES + NONCE_BYTES + TAG_BYTES;

/** Ciphertext characters (format v2, what the SDK writes) for a plaintext of `bytes` UTF-8 bytes. */
export function ciphertextLength(plaintextBytes: number): number {
  return CIPHERTEXT_PREFIX_V2.length + base64UrlLength(V2_OVERHEAD_BYTES + plaintextBytes);
}

/** Largest UTF-8 plaintext whose (v2) ciphertext fits in `maxValueChars`. */
export function maxPlaintextBytes(maxValueChars: number): number {
  const raw = Math.floor((maxValueChars - CIPHERTEXT_PREFIX_V2.length) * 3 / 4);
  let bytes = raw - V2_OVERHEAD_BYTES;
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

/** The app context bound into every v2 ciphertext: any well-formed string of at most 256 UTF-8 bytes; "" for none. */
export function assertContext(context: unknown): asserts context is string {
  if (typeof context !== "string") throw invalidArgument("context must be a string.");
  if (LONE_SURROGATE.test(context)) throw invalidArgument("context contains a lone UTF-16 surrogate.");
  if (Buffer.byteLength(context, "utf8") > MAX_CONTEXT_BYTES) throw invalidArgument(`context must be at most ${MAX_CONTEXT_BYTES} UTF-8 bytes.`);
}

export function assertIfVersion(ifVersion: unknown): void {
  if (ifVersion === undefined) return;
  // The write becomes version ifVersion + 1, which the vault keeps under 2^31.
  if (typeof ifVersion !== "number" || !Number.isSafeInteger(ifVersion) || ifVersion < 0 || ifVersion >= MAX_ENTRY_VERSION) {
    throw invalidArgument("ifVersion must be an integer from 0 to 2^31 - 2.");
  }
}

export function normalizeExpiresAt(expiresAt: Date | string | null | undefined): string | null | undefined {
  if (expiresAt === undefined || expiresAt === null) return expiresAt;
  const date = expiresAt instanceof Date ? expiresAt : new Date(expiresAt);
  if (Number.isNaN(date.getTime())) throw invalidArgument("expiresAt must be a valid date or ISO-8601 string.");
  return date.toISOString();
}
