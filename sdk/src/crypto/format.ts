// The published v1 format (docs/crypto.md). Changing any constant here
// changes every key hash and breaks every stored entry: add a v2 instead.

/** Label that opens the PBKDF2 salt and the AES-GCM associated data. */
export const FORMAT_LABEL = "data-vault/sdk/v1";

/** Prefix of every ciphertext string this version writes. */
export const CIPHERTEXT_PREFIX = "v1.";

export const PBKDF2_ITERATIONS = 100_000;
export const PBKDF2_DIGEST = "sha256";
/** PBKDF2 output length: one SHA-256 block, the HKDF input keying material. */
export const MASTER_KEY_BYTES = 32;

/** HKDF info labels: distinct, so the two outputs are independent. */
export const HKDF_INFO_KEY_HASH = "data-vault/sdk/v1/key-hash";
export const HKDF_INFO_VALUE_KEY = "data-vault/sdk/v1/value-key";
export const KEY_HASH_BYTES = 32;
export const VALUE_KEY_BYTES = 32;

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;
