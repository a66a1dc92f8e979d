import { DataVaultError } from "../errors.js";

/** An entry as the vault returns it: `value` is still ciphertext. */
export interface WireEntry {
  value: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}

function invalid(what: string): DataVaultError {
  return new DataVaultError("INVALID_RESPONSE", `Vault response is missing or has a malformed ${what}.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function readEntry(body: unknown): WireEntry {
  if (!isRecord(body) || typeof body.value !== "string" || typeof body.version !== "number") throw invalid("entry");
  return {
    value: body.value,
    version: body.version,
    createdAt: typeof body.createdAt === "string" ? body.createdAt : "",
    updatedAt: typeof body.updatedAt === "string" ? body.updatedAt : "",
    expiresAt: typeof body.expiresAt === "string" ? body.expiresAt : null,
  };
}

export function readPut(body: unknown): { version: number; created: boolean } {
  if (!isRecord(body) || typeof body.version !== "number") throw invalid("write result");
  return { version: body.version, created: body.created === true };
}

export function readBatchGet(body: unknown, asked: readonly string[]): Map<string, WireEntry | null> {
  if (!isRecord(body) || !isRecord(body.entries)) throw invalid("batch entries");
  const entries = body.entries;
  const result = new Map<string, WireEntry | null>();
  for (const keyHash of asked) {
    const entry = entries[keyHash];
    // An absent property reads as a miss too: the contract says null, but
    // a server that omits misses must not make reads fail.
    result.set(keyHash, entry === null || entry === undefined ? null : readEntry(entry));
  }
  return result;
}

export function readBatchSet(body: unknown): Record<string, number> {
  if (!isRecord(body) || !isRecord(body.versions)) throw invalid("batch versions");
  return body.versions as Record<string, number>;
}
