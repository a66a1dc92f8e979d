// Server key tokens: "dvk_" + 43 base64url characters (256 random bits).
// Only the SHA-256 of a token is stored, with a short display prefix.
import { createHash, randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "dvk_";
export const TOKEN_PATTERN = /^dvk_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
