// The published formats (docs/crypto.md). Changing any constant here
// changes every key hash or breaks every stored entry: add a new version
// instead. Format v2 changes only the value encryption; keys are still
// derived exactly as in v1, so an entry keeps its key hash from v1 to v2.

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

/** Format v2: binds the entry's version and an app context into the associated data. */
export const FORMAT_LABEL_V2 = "data-vault/sdk/v2";
export const CIPHERTEXT_PREFIX_V2 = "v2.";
/** The version header of a v2 ciphertext: u32, big-endian. */
export const VERSION_BYTES = 4;
/** The vault's versions are 1 to 2^31 - 1 (API.md, ifVersion). */
export const MAX_ENTRY_VERSION = 2_147_483_647;
/** The app context is a UTF-8 string of at most this many bytes (empty: none). */
export const MAX_CONTEXT_BYTES = 256;

/** Secret generation id: PBKDF2 over the secret and the store id, then HKDF, 6 bytes (8 base64url characters). */
export const GENERATION_LABEL = "data-vault/sdk/v2/generation";
export const HKDF_INFO_GENERATION = "data-vault/sdk/v2/generation-id";
export const GENERATION_ID_BYTES = 6;
