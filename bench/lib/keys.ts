// Deterministic key hashes for preloaded entries: bench/setup.ts writes
// them, the load generator recomputes them (no list to pass around).
import { createHash, randomBytes } from "node:crypto";

/** The i-th preloaded key hash for a seed (base64url, 43 chars: the API's alphabet). */
export function benchKeyHash(seed: string, i: number): string {
  return createHash("sha256").update(`${seed}:${i}`).digest("base64url");
}

/** A ~200-character value, like an OAuth refresh token's client ciphertext. */
export function benchValue(): string {
  return "v1." + randomBytes(148).toString("base64url");
}
