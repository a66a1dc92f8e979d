// The vault's hot path: reads and writes of entries in plain SQL, one
// implementation per database. Hand-written because Prisma's query
// compiler costs about a millisecond per query here, as much as Next.js
// itself spends on a request (docs/benchmarks.md). Everything else (stores,
// keys, purge, rewrap, reconcile) stays on Prisma.
import type { Blob } from "../envelope";

export type StoredRow = {
  storeRef: string;
  keyHash: string;
  ciphertext: Uint8Array;
  wrappedKey: Uint8Array;
  masterKeyVersion: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  expiresAt: Date | null;
};

/** A row as both drivers return it: blobs as Buffers, timestamps as text. */
export type RawRow = {
  storeRef: string;
  keyHash: string;
  ciphertext: Buffer;
  wrappedKey: Buffer;
  masterKeyVersion: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
};

/** Each driver's timestamp text to a Date (ISO on SQLite, UTC text on PostgreSQL). */
export function toStoredRow(r: RawRow, date: (text: string) => Date): StoredRow {
  return {
    storeRef: r.storeRef,
    keyHash: r.keyHash,
    ciphertext: r.ciphertext,
    wrappedKey: r.wrappedKey,
    masterKeyVersion: r.masterKeyVersion,
    version: r.version,
    createdAt: date(r.createdAt),
    updatedAt: date(r.updatedAt),
    expiresAt: r.expiresAt === null ? null : date(r.expiresAt),
  };
}

export type Sealed = { ciphertext: Blob; wrappedKey: Blob; masterKeyVersion: number };

/** Seals a value for (storeRef, key, version): the version is bound into the ciphertext. */
export type SealFn = (storeRef: string, keyHash: string, version: number, value: string) => Sealed;

/**
 * One write. `generation` is the SDK's secret-generation id (null: none
 * sent). `lease`: a fenced write, refused unless the entry's lease still has
 * this token; `release` ends the lease in the same transaction.
 */
export type PutItem = {
  keyHash: string;
  value: string;
  expiresAt: Date | null;
  ifVersion?: number;
  generation?: string | null;
  lease?: { token: string; release: boolean };
};

/** A lease row as both databases hold it. */
export type LeaseRow = { token: string; expiresAt: Date };

/**
 * An acquisition (or, with `renew`, an extension) of an entry's lease.
 * `token` is the fresh token to use if a new lease is granted.
 */
export type LeaseRequest = { token: string; ttlMs: number; renew?: string; ifVersion?: number };

export type LeaseDecision =
  | { kind: "acquire"; token: string; expiresAt: Date; write: "insert" | "update" }
  | { kind: "held"; expiresAt: Date }
  | { kind: "version" }
  | { kind: "lost" };

export interface EntryRepo {
  /** storeRef is null when the project has no such store. */
  get(projectId: string, storeId: string, keyHash: string): Promise<{ storeRef: string | null; row: StoredRow | null }>;
  /**
   * The live rows under `keys`, unless their ciphertexts add up to more
   * than `maxBytes`: then no row is read and `bytes` says how many they hold.
   */
  getMany(projectId: string, storeId: string, keys: string[], maxBytes: number): Promise<{ storeRef: string | null; rows: StoredRow[]; bytes: number }>;
  /** Writes all items or none; returns each key's new version and whether it was created. */
  put(projectId: string, storeId: string, items: PutItem[], seal: SealFn): Promise<{ storeRef: string; results: { version: number; created: boolean }[] }>;
  /** live is false when there was no entry, or only an expired one (which is deleted). */
  delete(projectId: string, storeId: string, keyHash: string, ifVersion?: number): Promise<{ storeRef: string; live: boolean }>;
  /** Decides and applies a lease request atomically; `row` is the entry as of that moment. */
  lease(projectId: string, storeId: string, keyHash: string, request: LeaseRequest): Promise<{ storeRef: string; decision: LeaseDecision; row: StoredRow | null }>;
  /** Ends the lease if it still has this token. */
  releaseLease(projectId: string, storeId: string, keyHash: string, token: string): Promise<{ storeRef: string; released: boolean }>;
}

export const isLive = (row: { expiresAt: Date | null }, now: Date) => row.expiresAt === null || row.expiresAt > now;
