import "server-only";
// Entries on SQLite: synchronous better-sqlite3 transactions on the same
// connection Prisma uses, run through the gate (sqlite-gate.ts), so each is
// atomic and nothing interleaves with it. Timestamps are stored the way
// Prisma's adapter stores them (ISO-8601 with "+00:00").
import type Database from "better-sqlite3";
import { getSqliteConnection } from "../../db/client";
import { checkDelete, planWrites, storeNotFound, type Existing } from "./plan";
import type { EntryRepo, RawRow, StoredRow } from "./types";
import { toStoredRow } from "./types";

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
    existing: prep(`SELECT "keyHash", "version", "createdAt", "expiresAt" FROM "Entry" WHERE "storeRef" = ? AND "keyHash" IN (SELECT value FROM json_each(?))`),
    insert: prep(
      `INSERT INTO "Entry" ("storeRef", "keyHash", "ciphertext", "wrappedKey", "masterKeyVersion", "version", "createdAt", "updatedAt", "expiresAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: prep(
      `UPDATE "Entry" SET "ciphertext" = ?, "wrappedKey" = ?, "masterKeyVersion" = ?, "version" = ?, "createdAt" = ?, "updatedAt" = ?, "expiresAt" = ? WHERE "storeRef" = ? AND "keyHash" = ? AND "version" = ?`,
    ),
    remove: prep(`DELETE FROM "Entry" WHERE "storeRef" = ? AND "keyHash" = ? AND "version" = ?`),
    count: prep(`UPDATE "Store" SET "entryCount" = "entryCount" + ? WHERE "id" = ?`),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof statements>>();
const stmts = (c: Database.Database) => {
  let s = cache.get(c);
  if (!s) cache.set(c, (s = statements(c)));
  return s;
};

export const sqliteEntryRepo: EntryRepo = {
  async get(projectId, storeId, keyHash) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const r = stmts(c).getJoined.get(keyHash, projectId, storeId) as (RawRow & { sref: string }) | undefined;
      if (!r) return { storeRef: null, row: null };
      return { storeRef: r.sref, row: r.keyHash === null ? null : toRow(r) };
    });
  },

  async getMany(projectId, storeId, keys) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const s = stmts(c);
      const storeRef = s.storeRef.get(projectId, storeId) as string | undefined;
      if (!storeRef) return { storeRef: null, rows: [] };
      return { storeRef, rows: (s.getMany.all(storeRef, JSON.stringify(keys)) as RawRow[]).map(toRow) };
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
          const plan = planWrites(items, existing, now);
          let inserted = 0;
          for (const w of plan) {
            const sealed = seal(storeRef, w.item.keyHash, w.version, w.item.value);
            const expires = w.item.expiresAt ? ts(w.item.expiresAt) : null;
            if (w.replaces) {
              // One connection, one synchronous transaction: the row is as read.
              s.update.run(sealed.ciphertext, sealed.wrappedKey, sealed.masterKeyVersion, w.version, ts(w.createdAt), ts(now), expires, storeRef, w.item.keyHash, w.replaces.version);
            } else {
              s.insert.run(storeRef, w.item.keyHash, sealed.ciphertext, sealed.wrappedKey, sealed.masterKeyVersion, w.version, ts(now), ts(now), expires);
              inserted++;
            }
          }
          if (inserted > 0) s.count.run(inserted, storeRef);
          return { storeRef, results: plan.map((w) => ({ version: w.version, created: w.created })) };
        })
        .immediate();
    });
  },

  async delete(projectId, storeId, keyHash, ifVersion) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const s = stmts(c);
      return c
        .transaction(() => {
          const r = s.getJoined.get(keyHash, projectId, storeId) as (RawRow & { sref: string }) | undefined;
          if (!r) throw storeNotFound(storeId);
          const old = r.keyHash === null ? null : toRow(r);
          const live = checkDelete(old, ifVersion, new Date());
          if (old) {
            s.remove.run(r.sref, keyHash, old.version);
            s.count.run(-1, r.sref);
          }
          return { storeRef: r.sref, live };
        })
        .immediate();
    });
  },
};
