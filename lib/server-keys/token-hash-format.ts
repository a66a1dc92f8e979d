// The stored form of a server key (docs/formats.md, "Server-key hashes",
// test vectors in token-hash.vectors.json): never the token, only
//   tokenHash   = "k1:" || hex(HMAC-SHA256(hashKey, SHA-256(token)))
//   tokenDigest = 0x01 || nonce(12) || AES-256-GCM(digestKey, SHA-256(token), aad) || tag(16)
//   aad         = lp("data-vault/server-key-digest/v1") || lp(tokenHash)
// with hashKey and digestKey derived from the root key by HKDF-SHA256 (empty
// salt, the info string names purpose and version). Without the root key
// nobody can compute a tokenHash, so a row written straight into the
// database authenticates nothing. The sealed digest lets a root-key rotation
// re-key every tokenHash without the tokens (an HMAC cannot be undone); its
// associated data binds it to its tokenHash, so it cannot be moved to
// another row.
//
// Plain node:crypto and no server-only import: the migration runner that
// re-keys the legacy format (hex SHA-256, no prefix) uses it.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { IntegrityError } from "../vault/errors";

export const TOKEN_HASH_PREFIX = "k1:";
export const HASH_INFO = "data-vault/server-key-hash/v1";
export const DIGEST_INFO = "data-vault/server-key-digest/v1";
const FORMAT_V1 = 0x01;
/** What earlier versions stored: hex(SHA-256(token)), re-keyed once by migration 0002. */
export const LEGACY_TOKEN_HASH = /^[0-9a-f]{64}$/;

export type TokenHashKeys = { hashKey: Buffer; digestKey: Buffer };

export function deriveTokenHashKeys(rootKey: Buffer): TokenHashKeys {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", rootKey, Buffer.alloc(0), info, 32));
  return { hashKey: derive(HASH_INFO), digestKey: derive(DIGEST_INFO) };
}

/** SHA-256 of the token's UTF-8 bytes (32 bytes). */
export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export function keyedTokenHash(hashKey: Buffer, digest: Buffer): string {
  return TOKEN_HASH_PREFIX + createHmac("sha256", hashKey).update(digest).digest("hex");
}

function lp(s: string): Buffer {
  const b = Buffer.from(s, "utf8");
  const n = Buffer.alloc(4);
  n.writeUInt32BE(b.length);
  return Buffer.concat([n, b]);
}

const digestAad = (tokenHash: string) => Buffer.concat([lp(DIGEST_INFO), lp(tokenHash)]);

export function sealTokenDigest(digestKey: Buffer, digest: Buffer, tokenHash: string, nonce: Buffer = randomBytes(12)): Buffer {
  const cipher = createCipheriv("aes-256-gcm", digestKey, nonce);
  cipher.setAAD(digestAad(tokenHash));
  return Buffer.concat([Buffer.of(FORMAT_V1), nonce, cipher.update(digest), cipher.final(), cipher.getAuthTag()]);
}

export function openTokenDigest(digestKey: Buffer, sealed: Buffer, tokenHash: string): Buffer {
  if (sealed.length !== 1 + 12 + 32 + 16 || sealed[0] !== FORMAT_V1) throw new IntegrityError("server-key digest: unknown format");
  const decipher = createDecipheriv("aes-256-gcm", digestKey, sealed.subarray(1, 13));
  decipher.setAAD(digestAad(tokenHash));
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(13, sealed.length - 16)), decipher.final()]);
  } catch {
    throw new IntegrityError("server-key digest: authentication failed");
  }
}

/** The stored pair for a token's digest under a root key's keys. */
export function storedForm(keys: TokenHashKeys, digest: Buffer): { tokenHash: string; tokenDigest: Buffer } {
  const tokenHash = keyedTokenHash(keys.hashKey, digest);
  return { tokenHash, tokenDigest: sealTokenDigest(keys.digestKey, digest, tokenHash) };
}
