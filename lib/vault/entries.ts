import "server-only";
// Entries: the v1 API's reads and writes. The server sees a key hash and
// the client's ciphertext; it seals that ciphertext again under a fresh data
// key per write (envelope.ts). The SQL lives in entry-repo/ (one file per
// database); every check-then-write there is atomic, and the store's entry
// count moves with it.
//
// SQLite note: inside a Prisma transaction callback only `tx` may be used,
// never getDb() (the connection gate would wait for the transaction itself).
import pLimit from "p-limit";
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { processSingleton } from "../singleton";
import { withTransaction } from "../db/tx";
import { log } from "../log";
import { recordActivity } from "./activity";
import {
  decryptValue,
  encryptValue,
  newKey,
  unwrapDataKey,
  wrapDataKey,
  wrappedKeyVersion,
  type EntryIdentity,
} from "./envelope";
import { IntegrityError, VaultError } from "./errors";
import { getMasterKey, getPrimaryKey, recordWraps } from "./keyring";
import { isWellFormed, NOT_WELL_FORMED } from "../well-formed";
import { entryRepo, isLive, type StoredRow } from "./entry-repo";
import type { SealFn } from "./entry-repo/types";

export type EntryView = {
  value: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
};

type Primary = { version: number; key: Buffer };

/** Values are stored byte for byte: one that UTF-8 cannot hold unchanged is refused, never altered. */
function checkValues(values: string[]): void {
  if (values.some((v) => !isWellFormed(v))) throw new VaultError("INVALID_REQUEST", `value: ${NOT_WELL_FORMED}`);
}

function sealer(projectId: string, primary: Primary): SealFn {
  return (storeRef, keyHash, version, value) => {
    const id: EntryIdentity = { projectId, storeRef, keyHash, version };
    const dataKey = newKey();
    const sealed = {
      ciphertext: encryptValue(dataKey, value, id),
      wrappedKey: wrapDataKey(primary.key, primary.version, dataKey, id),
      masterKeyVersion: primary.version,
    };
    dataKey.fill(0);
    return sealed;
  };
}

function storeNotFound(storeId: string): VaultError {
  return new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
}

async function open(projectId: string, row: StoredRow): Promise<string> {
  const id: EntryIdentity = { projectId, storeRef: row.storeRef, keyHash: row.keyHash, version: row.version };
  const wrapped = Buffer.from(row.wrappedKey);
  try {
    const version = wrappedKeyVersion(wrapped);
    if (version !== row.masterKeyVersion) throw new IntegrityError("data key: master key version mismatch");
    const dataKey = unwrapDataKey(await getMasterKey(version), wrapped, id);
    const value = decryptValue(dataKey, Buffer.from(row.ciphertext), id);
    dataKey.fill(0);
    return value;
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    log.error("stored entry failed its integrity check", { storeRef: row.storeRef, reason: error.message });
    throw new VaultError("INTERNAL", "the stored entry failed its integrity check and was not returned");
  }
}

/** A stored row as the API returns it (decrypting the server layer). */
export async function toView(projectId: string, row: StoredRow): Promise<EntryView> {
  return {
    value: await open(projectId, row),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

export async function getEntry(projectId: string, storeId: string, keyHash: string): Promise<EntryView> {
  const { storeRef, row } = await entryRepo().get(projectId, storeId, keyHash);
  if (!storeRef) throw storeNotFound(storeId);
  if (row && isLive(row, new Date())) {
    recordActivity(storeRef, "reads");
    return toView(projectId, row);
  }
  recordActivity(storeRef, "misses");
  throw new VaultError("ENTRY_NOT_FOUND", "no entry under that key hash");
}

export type PutInput = {
  value: string;
  expiresAt: Date | null;
  ifVersion?: number;
  /** The SDK's secret-generation id; absent or null: unknown. */
  generation?: string | null;
  /** A fenced write: refused with LEASE_LOST unless the entry's lease still has this token. */
  leaseToken?: string;
  /** With leaseToken: end the lease in the same transaction as the write. */
  releaseLease?: boolean;
};

export async function putEntry(
  projectId: string,
  storeId: string,
  keyHash: string,
  input: PutInput,
): Promise<{ version: number; created: boolean }> {
  checkValues([input.value]);
  const primary = await getPrimaryKey();
  const { leaseToken, releaseLease, ...rest } = input;
  const item = { keyHash, ...rest, ...(leaseToken !== undefined && { lease: { token: leaseToken, release: releaseLease === true } }) };
  const { storeRef, results } = await entryRepo().put(projectId, storeId, [item], sealer(projectId, primary));
  recordWraps(primary.version);
  recordActivity(storeRef, "writes");
  return results[0]!;
}

export async function deleteEntry(projectId: string, storeId: string, keyHash: string, ifVersion?: number): Promise<void> {
  const { storeRef, live } = await entryRepo().delete(projectId, storeId, keyHash, ifVersion);
  if (!live) {
    recordActivity(storeRef, "misses");
    throw new VaultError("ENTRY_NOT_FOUND", "no entry under that key hash");
  }
  recordActivity(storeRef, "deletes");
}

/**
 * The largest batch answer, in stored ciphertext bytes: never less than
 * one maximal ASCII value (what the SDK writes) plus room, so an SDK entry
 * can always be read in a batch of one. (A raw client's non-ASCII value can
 * be larger in UTF-8; GET reads it.)
 */
export function batchAnswerLimit(): number {
  const { VAULT_MAX_BATCH_RESPONSE_BYTES: configured, VAULT_MAX_VALUE_SIZE: maxValue } = getConfig();
  return Math.max(configured, maxValue + 64 * 1024);
}

/** Answers over this many bytes are opened a few at a time, so parallel big batches cannot add up. */
const LARGE_ANSWER = 1024 * 1024;
const largeAnswers = () => processSingleton("largeBatchAnswers", () => pLimit(2));

export async function batchGet(projectId: string, storeId: string, keys: string[]): Promise<Record<string, EntryView | null>> {
  // Small answers (the usual case) are read at once. The size check stops a
  // large one before any blob is read; it is then read under the limiter.
  const small = await entryRepo().getMany(projectId, storeId, keys, LARGE_ANSWER);
  if (!small.storeRef) throw storeNotFound(storeId);
  if (small.bytes <= LARGE_ANSWER) return openAll(projectId, small.storeRef, keys, small.rows);
  const limit = batchAnswerLimit();
  if (small.bytes > limit) throw answerTooLarge(small.bytes, limit);
  return largeAnswers()(async () => {
    const big = await entryRepo().getMany(projectId, storeId, keys, limit);
    if (!big.storeRef) throw storeNotFound(storeId);
    if (big.bytes > limit) throw answerTooLarge(big.bytes, limit);
    return openAll(projectId, big.storeRef, keys, big.rows);
  });
}

function answerTooLarge(bytes: number, limit: number): VaultError {
  return new VaultError(
    "RESPONSE_TOO_LARGE",
    `the entries asked for hold ${bytes} bytes, over this server's limit of ${limit} for one answer; ask for fewer keys at a time`,
  );
}

async function openAll(projectId: string, storeRef: string, keys: string[], rows: StoredRow[]): Promise<Record<string, EntryView | null>> {
  const now = new Date();
  const byKey = new Map(rows.filter((r) => isLive(r, now)).map((r) => [r.keyHash, r]));
  const entries: Record<string, EntryView | null> = {};
  for (const key of keys) {
    const row = byKey.get(key);
    entries[key] = row ? await toView(projectId, row) : null;
  }
  recordActivity(storeRef, "reads", byKey.size);
  recordActivity(storeRef, "misses", keys.length - byKey.size);
  return entries;
}

export type BatchSetItem = { key: string; value: string; expiresAt: Date | null; ifVersion?: number; generation?: string | null };

/** All or nothing: one transaction for the whole batch (a single ifVersion mismatch fails all of it). */
export async function batchSet(projectId: string, storeId: string, items: BatchSetItem[]): Promise<Record<string, number>> {
  checkValues(items.map((i) => i.value));
  const primary = await getPrimaryKey();
  const { storeRef, results } = await entryRepo().put(
    projectId,
    storeId,
    items.map((i) => ({
      keyHash: i.key,
      value: i.value,
      expiresAt: i.expiresAt,
      ...(i.ifVersion !== undefined && { ifVersion: i.ifVersion }),
      generation: i.generation ?? null,
    })),
    sealer(projectId, primary),
  );
  recordWraps(primary.version, items.length);
  recordActivity(storeRef, "writes", items.length);
  return Object.fromEntries(items.map((i, n) => [i.key, results[n]!.version]));
}

/** Deletes entries whose expiry has passed, moving the counts with them. */
export async function purgeExpired(limit = 500): Promise<number> {
  const now = new Date();
  const rows = await getDb().entry.findMany({
    where: { expiresAt: { lte: now } },
    select: { storeRef: true, keyHash: true },
    take: limit,
  });
  const byStore = new Map<string, string[]>();
  for (const r of rows) byStore.set(r.storeRef, [...(byStore.get(r.storeRef) ?? []), r.keyHash]);
  let purged = 0;
  for (const [storeRef, keys] of byStore) {
    purged += await withTransaction(async (tx) => {
      // Re-checked inside: an entry rewritten since the scan is not expired.
      const { count } = await tx.entry.deleteMany({ where: { storeRef, keyHash: { in: keys }, expiresAt: { lte: now } } });
      if (count > 0) await tx.store.update({ where: { id: storeRef }, data: { entryCount: { decrement: count } } });
      return count;
    });
  }
  return purged;
}

export type CountDrift = { projectId: string; storeId: string; recorded: number; actual: number };

/** Recomputes each store's entry count; reports drift and, with fix, corrects it. */
export async function reconcileCounts(fix: boolean): Promise<CountDrift[]> {
  const stores = await getDb().store.findMany({ select: { id: true, projectId: true, storeId: true } });
  const drift: CountDrift[] = [];
  for (const s of stores) {
    const found = await withTransaction(async (tx) => {
      // Lock the store row first, so writers' increments order after ours.
      await tx.store.update({ where: { id: s.id }, data: { entryCount: { increment: 0 } } });
      const [row, actual] = await Promise.all([
        tx.store.findUnique({ where: { id: s.id }, select: { entryCount: true } }),
        tx.entry.count({ where: { storeRef: s.id } }),
      ]);
      if (!row || row.entryCount === actual) return null;
      if (fix) await tx.store.update({ where: { id: s.id }, data: { entryCount: actual } });
      return { projectId: s.projectId, storeId: s.storeId, recorded: row.entryCount, actual };
    });
    if (found) drift.push(found);
  }
  return drift;
}
