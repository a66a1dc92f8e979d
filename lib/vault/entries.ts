import "server-only";
// Entries: the v1 API's reads and writes. The server sees a key hash and
// the client's ciphertext; it seals that ciphertext again under a fresh data
// key per write (envelope.ts). Every check-then-write is one transaction,
// and the store's entry count moves inside it.
//
// SQLite note: inside a transaction callback only `tx` may be used, never
// getDb() (the connection gate would wait for the transaction itself), so
// the primary master key is fetched before the transaction starts.
import { getDb, type Tx } from "../db/client";
import { RetryTransaction, withTransaction } from "../db/tx";
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

export type EntryView = {
  value: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
};

type StoredRow = {
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

type Primary = { version: number; key: Buffer };

const isLive = (row: { expiresAt: Date | null }, now: Date) => row.expiresAt === null || row.expiresAt > now;

function storeNotFound(storeId: string): VaultError {
  return new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
}

async function storeInTx(tx: Tx, projectId: string, storeId: string): Promise<string> {
  const store = await tx.store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
  if (!store) throw storeNotFound(storeId);
  return store.id;
}

function seal(primary: Primary, id: EntryIdentity, value: string) {
  const dataKey = newKey();
  const sealed = {
    ciphertext: encryptValue(dataKey, value, id),
    wrappedKey: wrapDataKey(primary.key, primary.version, dataKey, id),
    masterKeyVersion: primary.version,
  };
  dataKey.fill(0);
  return sealed;
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

async function toView(projectId: string, row: StoredRow): Promise<EntryView> {
  return {
    value: await open(projectId, row),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
  };
}

export async function getEntry(projectId: string, storeId: string, keyHash: string): Promise<EntryView> {
  const db = getDb();
  // One query for the common case (the entry exists); a miss asks again to
  // tell a missing store from a missing entry.
  const row = await db.entry.findFirst({ where: { keyHash, store: { projectId, storeId } } });
  const now = new Date();
  if (row && isLive(row, now)) {
    recordActivity(row.storeRef, "reads");
    return toView(projectId, row);
  }
  const store = row ? { id: row.storeRef } : await db.store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
  if (!store) throw storeNotFound(storeId);
  recordActivity(store.id, "misses");
  throw new VaultError("ENTRY_NOT_FOUND", "no entry under that key hash");
}

export type PutInput = { value: string; expiresAt: Date | null; ifVersion?: number };

export async function putEntry(
  projectId: string,
  storeId: string,
  keyHash: string,
  input: PutInput,
): Promise<{ version: number; created: boolean }> {
  const primary = await getPrimaryKey();
  const result = await withTransaction(async (tx) => {
    const storeRef = await storeInTx(tx, projectId, storeId);
    const now = new Date();
    const existing = await tx.entry.findUnique({
      where: { storeRef_keyHash: { storeRef, keyHash } },
      select: { version: true, expiresAt: true, createdAt: true },
    });
    const present = existing !== null && isLive(existing, now);
    const current = present ? existing.version : 0;
    if (input.ifVersion !== undefined && input.ifVersion !== current) {
      throw new VaultError("VERSION_CONFLICT", `the entry is at version ${current}, not ${input.ifVersion}`);
    }
    const version = current + 1;
    const sealed = seal(primary, { projectId, storeRef, keyHash, version }, input.value);
    const data = { ...sealed, version, updatedAt: now, expiresAt: input.expiresAt };
    if (existing) {
      // Conditional on the version read above: a concurrent writer makes
      // this match nothing, and the transaction runs again.
      const { count } = await tx.entry.updateMany({
        where: { storeRef, keyHash, version: existing.version },
        data: { ...data, createdAt: present ? existing.createdAt : now },
      });
      if (count !== 1) throw new RetryTransaction();
    } else {
      await tx.entry.create({ data: { storeRef, keyHash, createdAt: now, ...data } });
      await tx.store.update({ where: { id: storeRef }, data: { entryCount: { increment: 1 } } });
    }
    return { storeRef, version, created: !present };
  });
  recordWraps(primary.version);
  recordActivity(result.storeRef, "writes");
  return { version: result.version, created: result.created };
}

export async function deleteEntry(projectId: string, storeId: string, keyHash: string, ifVersion?: number): Promise<void> {
  const result = await withTransaction(async (tx) => {
    const storeRef = await storeInTx(tx, projectId, storeId);
    const existing = await tx.entry.findUnique({
      where: { storeRef_keyHash: { storeRef, keyHash } },
      select: { version: true, expiresAt: true },
    });
    const live = existing !== null && isLive(existing, new Date());
    if (ifVersion !== undefined && ifVersion !== (live ? existing.version : 0)) {
      throw new VaultError("VERSION_CONFLICT", `the entry is at version ${live ? existing.version : 0}, not ${ifVersion}`);
    }
    if (!existing) return { storeRef, live: false };
    const { count } = await tx.entry.deleteMany({ where: { storeRef, keyHash, version: existing.version } });
    if (count !== 1) throw new RetryTransaction();
    await tx.store.update({ where: { id: storeRef }, data: { entryCount: { decrement: 1 } } });
    return { storeRef, live };
  });
  if (!result.live) {
    recordActivity(result.storeRef, "misses");
    throw new VaultError("ENTRY_NOT_FOUND", "no entry under that key hash");
  }
  recordActivity(result.storeRef, "deletes");
}

export async function batchGet(projectId: string, storeId: string, keys: string[]): Promise<Record<string, EntryView | null>> {
  const db = getDb();
  const store = await db.store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
  if (!store) throw storeNotFound(storeId);
  const rows = await db.entry.findMany({ where: { storeRef: store.id, keyHash: { in: keys } } });
  const now = new Date();
  const byKey = new Map(rows.filter((r) => isLive(r, now)).map((r) => [r.keyHash, r]));
  const entries: Record<string, EntryView | null> = {};
  for (const key of keys) {
    const row = byKey.get(key);
    entries[key] = row ? await toView(projectId, row) : null;
  }
  recordActivity(store.id, "reads", byKey.size);
  recordActivity(store.id, "misses", keys.length - byKey.size);
  return entries;
}

export type BatchSetItem = { key: string; value: string; expiresAt: Date | null };

/** All or nothing: one transaction for the whole batch. */
export async function batchSet(projectId: string, storeId: string, items: BatchSetItem[]): Promise<Record<string, number>> {
  const primary = await getPrimaryKey();
  const result = await withTransaction(async (tx) => {
    const storeRef = await storeInTx(tx, projectId, storeId);
    const now = new Date();
    const existing = await tx.entry.findMany({
      where: { storeRef, keyHash: { in: items.map((i) => i.key) } },
      select: { keyHash: true, version: true, expiresAt: true, createdAt: true },
    });
    const byKey = new Map(existing.map((e) => [e.keyHash, e]));
    const versions: Record<string, number> = {};
    const fresh = [];
    for (const item of items) {
      const old = byKey.get(item.key);
      const present = old !== undefined && isLive(old, now);
      const version = present ? old.version + 1 : 1;
      const sealed = seal(primary, { projectId, storeRef, keyHash: item.key, version }, item.value);
      const data = { ...sealed, version, updatedAt: now, expiresAt: item.expiresAt };
      if (old) {
        const { count } = await tx.entry.updateMany({
          where: { storeRef, keyHash: item.key, version: old.version },
          data: { ...data, createdAt: present ? old.createdAt : now },
        });
        if (count !== 1) throw new RetryTransaction();
      } else {
        fresh.push({ storeRef, keyHash: item.key, createdAt: now, ...data });
      }
      versions[item.key] = version;
    }
    if (fresh.length > 0) {
      await tx.entry.createMany({ data: fresh });
      await tx.store.update({ where: { id: storeRef }, data: { entryCount: { increment: fresh.length } } });
    }
    return { storeRef, versions };
  });
  recordWraps(primary.version, items.length);
  recordActivity(result.storeRef, "writes", items.length);
  return result.versions;
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
