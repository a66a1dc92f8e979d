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

/** One request that named an entry, as the vault recorded it. */
export interface AccessEvent {
  /** When the request arrived (ISO-8601, UTC). */
  at: string;
  /** "entry.read", "entry.write", "entry.delete" or "entry.access_log". */
  action: string;
  /** The v1 operation, e.g. "getEntry" or "batchGetEntries". */
  operation: string;
  /** "ok", "miss", "denied", "rate_limited", "conflict", "too_large", "invalid", "not_found" or "error". */
  result: string;
  status: number | null;
  /** The server key that made the request (its id, never the key). */
  serverKeyId: string | null;
  clientAddress: string | null;
  requestId: string | null;
}

export interface AccessLogPage {
  /** Newest first. */
  events: AccessEvent[];
  /** Pass as `cursor` for older events; null when there are no more. */
  nextCursor: string | null;
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

export function readAccessLog(body: unknown): AccessLogPage {
  if (!isRecord(body) || !Array.isArray(body.events)) throw invalid("access log");
  const events = body.events.map((e): AccessEvent => {
    if (!isRecord(e) || typeof e.at !== "string" || typeof e.action !== "string" || typeof e.result !== "string") throw invalid("access event");
    return {
      at: e.at,
      action: e.action,
      operation: typeof e.operation === "string" ? e.operation : "",
      result: e.result,
      status: typeof e.status === "number" ? e.status : null,
      serverKeyId: str(e.serverKeyId),
      clientAddress: str(e.clientAddress),
      requestId: str(e.requestId),
    };
  });
  return { events, nextCursor: str(body.nextCursor) };
}

export function readBatchSet(body: unknown): Record<string, number> {
  if (!isRecord(body) || !isRecord(body.versions)) throw invalid("batch versions");
  return body.versions as Record<string, number>;
}

/** One row of a store's counts per secret generation (null: written without an id). */
export interface GenerationCount {
  id: string | null;
  entryCount: number;
}

/** `GET /api/v1/stores/{id}` as the SDK reads it. */
export interface WireStoreInfo {
  id: string;
  displayName: string;
  entryCount: number;
  createdAt: string;
  /** Empty when the vault does not count generations (a version before them). */
  generations: GenerationCount[];
}

export function readStoreInfo(body: unknown): WireStoreInfo {
  if (!isRecord(body) || typeof body.id !== "string" || typeof body.entryCount !== "number") throw invalid("store");
  const generations: GenerationCount[] = [];
  if (Array.isArray(body.generations)) {
    for (const g of body.generations as unknown[]) {
      if (!isRecord(g) || (g.id !== null && typeof g.id !== "string") || typeof g.entryCount !== "number") throw invalid("store generations");
      generations.push({ id: g.id as string | null, entryCount: g.entryCount });
    }
  }
  return {
    id: body.id,
    displayName: typeof body.displayName === "string" ? body.displayName : body.id,
    entryCount: body.entryCount,
    createdAt: typeof body.createdAt === "string" ? body.createdAt : "",
    generations,
  };
}

export type WireLease =
  | { acquired: true; token: string; expiresAt: string; version: number; entry: WireEntry | null }
  | { acquired: false; reason: "held"; expiresAt: string; version: number }
  | { acquired: false; reason: "version"; version: number; entry: WireEntry | null }
  | { acquired: false; reason: "lost"; version: number };

export function readLease(body: unknown): WireLease {
  if (!isRecord(body) || typeof body.acquired !== "boolean" || typeof body.version !== "number") throw invalid("lease");
  const version = body.version;
  const entry = () => (body.entry === null || body.entry === undefined ? null : readEntry(body.entry));
  if (body.acquired) {
    if (typeof body.token !== "string" || typeof body.expiresAt !== "string") throw invalid("lease");
    return { acquired: true, token: body.token, expiresAt: body.expiresAt, version, entry: entry() };
  }
  switch (body.reason) {
    case "held":
      if (typeof body.expiresAt !== "string") throw invalid("lease");
      return { acquired: false, reason: "held", expiresAt: body.expiresAt, version };
    case "version":
      return { acquired: false, reason: "version", version, entry: entry() };
    case "lost":
      return { acquired: false, reason: "lost", version };
    default:
      throw invalid("lease");
  }
}
