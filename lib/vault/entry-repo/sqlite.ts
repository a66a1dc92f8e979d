import "server-only";
// Entries on SQLite: synchronous better-sqlite3 transactions on the same
// connection Prisma uses, run through the gate (sqlite-gate.ts), so each is
// atomic and nothing interleaves with it. Timestamps are stored the way
// Prisma's adapter stores them (ISO-8601 with "+00:00").
import type Database from "better-sqlite3";
import { getSqliteConnection } from "../../db/client";
import { checkDelete, checkFence, decideLease, planWrites, storeNotFound, type Existing } from "./plan";
import type { EntryRepo, LeaseRow, RawRow, StoredRow } from "./types";
import { isLive, toStoredRow } from "./types";

const ts = (d: Date) => d.toISOString().replace("Z", "+00:00");

const COLUMNS = `e."storeRef", e."keyHash", e."ciphertext", e."wrappedKey", e."masterKeyVersion", e."version", e."createdAt", e."updatedAt", e."expiresAt"`;

const toRow = (r: RawRow): StoredRow => toStoredRow(r, (s) => new Date(s));

function statements(c: Database.Database) {
  // Integers as numbers: the adapter turns on BigInt results connection-wide.
  const prep = (sql: string) => c.prepare(sql).safeIntegers(false);
  return {
    storeRef: prep(`SELECT "id" FROM "Store" WHERE "projectId" = ? AND "storeId" = ?`).pluck(),
    getJoined: prep(
      `SELECT s."id" AS "sref", ${COLUMNS} FROM "Store" s LEFT JOIN "Entry" e ON e."storeRef" = s."id" AND e."keyHash" = ? WHERE s."projectId" = ? AND s."storeId" = ?`,
    ),
    getMany: prep(`SELECT ${COLUMNS} FROM "Entry" e WHERE e."storeRef" = ? AND e."keyHash" IN (SELECT value FROM json_each(?))`),
    // What a batch answer would hold, from the index and the rows' lengths, before any blob is read.
    sizeMany: prep(
      `SELECT coalesce(sum(length(e."ciphertext")), 0) FROM "Entry" e WHERE e."storeRef" = ? AND e."keyHash" IN (SELECT value FROM json_each(?)) AND (e."expiresAt" IS NULL OR e."expiresAt" > ?)`,
    ).pluck(),
    existing: prep(`SELECT "keyHash", "version", "createdAt", "expiresAt" FROM "Entry" WHERE "storeRef" = ? AND "keyHash" IN (SELECT value FROM json_each(?))`),
    insert: prep(
      `INSERT INTO "Entry" ("storeRef", "keyHash", "ciphertext", "wrappedKey", "masterKeyVersion", "version", "createdAt", "updatedAt", "expiresAt", "secretGeneration") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: prep(
      `UPDATE "Entry" SET "ciphertext" = ?, "wrappedKey" = ?, "masterKeyVersion" = ?, "version" = ?, "createdAt" = ?, "updatedAt" = ?, "expiresAt" = ?, "secretGeneration" = ? WHERE "storeRef" = ? AND "keyHash" = ? AND "version" = ?`,
    ),
    remove: prep(`DELETE FROM "Entry" WHERE "storeRef" = ? AND "keyHash" = ? AND "version" = ?`),
    count: prep(`UPDATE "Store" SET "entryCount" = "entryCount" + ? WHERE "id" = ?`),
    lease: prep(`SELECT "token", "expiresAt" FROM "EntryLease" WHERE "storeRef" = ? AND "keyHash" = ?`),
    leaseInsert: prep(`INSERT INTO "EntryLease" ("storeRef", "keyHash", "token", "expiresAt", "acquiredAt") VALUES (?, ?, ?, ?, ?)`),
    leaseUpdate: prep(`UPDATE "EntryLease" SET "token" = ?, "expiresAt" = ?, "acquiredAt" = CASE WHEN "token" = ? THEN "acquiredAt" ELSE ? END WHERE "storeRef" = ? AND "keyHash" = ?`),
    leaseDelete: prep(`DELETE FROM "EntryLease" WHERE "storeRef" = ? AND "keyHash" = ? AND "token" = ?`),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof statements>>();
function readLease(s: ReturnType<typeof statements>, storeRef: string, keyHash: string): LeaseRow | null {
  const r = s.lease.get(storeRef, keyHash) as { token: string; expiresAt: string } | undefined;
  return r ? { token: r.token, expiresAt: new Date(r.expiresAt) } : null;
}

const stmts = (c: Database.Database) => {
  let s = cache.get(c);
  if (!s) cache.set(c, (s = statements(c)));
  return s;
};

// One entry's read-then-write step: an IMMEDIATE transaction that finds the
// store and the entry's row (null when absent), then runs `step` on them.
async function withEntry<T>(
  projectId: string,
  storeId: string,
  keyHash: string,
  step: (s: ReturnType<typeof statements>, storeRef: string, row: StoredRow | null) => T,
): Promise<T> {
  const gate = await getSqliteConnection();
  return gate.runExclusive((c) => {
    const s = stmts(c);
    return c
      .transaction(() => {
        const r = s.getJoined.get(keyHash, projectId, storeId) as (RawRow & { sref: string }) | undefined;
        if (!r) throw storeNotFound(storeId);
        return step(s, r.sref, r.keyHash === null ? null : toRow(r));
      })
      .immediate();
  });
}

export const sqliteEntryRepo: EntryRepo = {
  async get(projectId, storeId, keyHash) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const r = stmts(c).getJoined.get(keyHash, projectId, storeId) as (RawRow & { sref: string }) | undefined;
      if (!r) return { storeRef: null, row: null };
      return { storeRef: r.sref, row: r.keyHash === null ? null : toRow(r) };
    });
  },

  async getMany(projectId, storeId, keys, maxBytes) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const s = stmts(c);
      const storeRef = s.storeRef.get(projectId, storeId) as string | undefined;
      if (!storeRef) return { storeRef: null, rows: [], bytes: 0 };
      const list = JSON.stringify(keys);
      const bytes = s.sizeMany.get(storeRef, list, ts(new Date())) as number;
      if (bytes > maxBytes) return { storeRef, rows: [], bytes };
      return { storeRef, rows: (s.getMany.all(storeRef, list) as RawRow[]).map(toRow), bytes };
    });
  },

  async put(projectId, storeId, items, seal) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const s = stmts(c);
      return c
        .transaction(() => {
          const storeRef = s.storeRef.get(projectId, storeId) as string | undefined;
          if (!storeRef) throw storeNotFound(storeId);
          const now = new Date();
          const existing = (s.existing.all(storeRef, JSON.stringify(items.map((i) => i.keyHash))) as RawRow[]).map(
            (r): Existing => ({ keyHash: r.keyHash, version: r.version, createdAt: new Date(r.createdAt), expiresAt: r.expiresAt ? new Date(r.expiresAt) : null }),
          );
          // The fence comes first: a write whose lease was lost changes nothing.
          for (const item of items) if (item.lease) checkFence(readLease(s, storeRef, item.keyHash), item.lease.token);
          const plan = planWrites(items, existing, now);
          let inserted = 0;
          for (const w of plan) {
            const sealed = seal(storeRef, w.item.keyHash, w.version, w.item.value);
            const expires = w.item.expiresAt ? ts(w.item.expiresAt) : null;
            const generation = w.item.generation ?? null;
            if (w.replaces) {
              // One connection, one synchronous transaction: the row is as read.
              s.update.run(sealed.ciphertext, sealed.wrappedKey, sealed.masterKeyVersion, w.version, ts(w.createdAt), ts(now), expires, generation, storeRef, w.item.keyHash, w.replaces.version);
            } else {
              s.insert.run(storeRef, w.item.keyHash, sealed.ciphertext, sealed.wrappedKey, sealed.masterKeyVersion, w.version, ts(now), ts(now), expires, generation);
              inserted++;
            }
            if (w.item.lease?.release) s.leaseDelete.run(storeRef, w.item.keyHash, w.item.lease.token);
          }
          if (inserted > 0) s.count.run(inserted, storeRef);
          return { storeRef, results: plan.map((w) => ({ version: w.version, created: w.created })) };
        })
        .immediate();
    });
  },

  async delete(projectId, storeId, keyHash, ifVersion) {
    return withEntry(projectId, storeId, keyHash, (s, storeRef, old) => {
      const live = checkDelete(old, ifVersion, new Date());
      if (old) {
        s.remove.run(storeRef, keyHash, old.version);
        s.count.run(-1, storeRef);
      }
      return { storeRef, live };
    });
  },

  async lease(projectId, storeId, keyHash, request) {
    return withEntry(projectId, storeId, keyHash, (s, storeRef, row) => {
      const now = new Date();
      const current = row && isLive(row, now) ? row.version : 0;
      const decision = decideLease(readLease(s, storeRef, keyHash), current, request, now);
      if (decision.kind === "acquire") {
        if (decision.write === "insert") s.leaseInsert.run(storeRef, keyHash, decision.token, ts(decision.expiresAt), ts(now));
        else s.leaseUpdate.run(decision.token, ts(decision.expiresAt), decision.token, ts(now), storeRef, keyHash);
      }
      return { storeRef, decision, row };
    });
  },

  async releaseLease(projectId, storeId, keyHash, token) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const s = stmts(c);
      const storeRef = s.storeRef.get(projectId, storeId) as string | undefined;
      if (!storeRef) throw storeNotFound(storeId);
      return { storeRef, released: s.leaseDelete.run(storeRef, keyHash, token).changes === 1 };
    });
  },
};
