// Server key tokens: "dvk_" + 43 base64url characters (256 random bits).
// Only a keyed hash of a token is stored (hash.ts), with a short display prefix.
import { randomBytes } from "node:crypto";

export const TOKEN_PREFIX = "dvk_";
export const TOKEN_PATTERN = /^dvk_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
