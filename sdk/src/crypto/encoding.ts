/**
 * Length-prefixed concatenation: each part is a 4-byte big-endian length
 * followed by its bytes. Without the prefix ("ab","c") and ("a","bc") would
 * hash the same. Strings are encoded as UTF-8.
 */
export function lengthPrefixed(...parts: ReadonlyArray<string | Uint8Array>): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const bytes = typeof part === "string" ? Buffer.from(part, "utf8") : Buffer.from(part);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length, 0);
    chunks.push(length, bytes);
  }
  return Buffer.concat(chunks);
}

/** base64url without padding (RFC 4648 section 5). */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict decoder: Node's own decoder skips bad characters silently, which
 * would let a corrupted ciphertext decode to different bytes.
 */
export function fromBase64Url(text: string): Buffer | null {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, "base64url");
  // Reject non-canonical encodings (unused trailing bits set).
  return toBase64Url(bytes) === text ? bytes : null;
}

/** Characters of base64url without padding for `byteLength` bytes. */
export function base64UrlLength(byteLength: number): number {
  const full = Math.floor(byteLength / 3) * 4;
  const rest = byteLength % 3;
  return full + (rest === 0 ? 0 : rest + 1);
}
