import "server-only";
// The rewrap job's SQL, one implementation per database, in plain SQL for
// the same reason as entry-repo/: each batch is one short transaction that
// re-wraps its rows, records quarantined ones, moves the job's cursor and
// renews the job's lease, all or nothing. On SQLite it runs synchronously on
// the connection the servers' requests share (through the gate), so it must
// stay short; the job yields between its steps (rewrap.ts).
import type Database from "better-sqlite3";
import { getPgPool, getSqliteConnection, isPostgres } from "../db/client";

export type Cursor = { version: number; storeRef: string; keyHash: string };
export const CURSOR_START: Cursor = { version: 0, storeRef: "", keyHash: "" };

export type OldRow = { storeRef: string; keyHash: string; version: number; masterKeyVersion: number; wrappedKey: Buffer; projectId: string };
export type Move = { storeRef: string; keyHash: string; version: number; fromVersion: number; wrappedKey: Uint8Array };
export type Quarantine = { storeRef: string; keyHash: string; version: number; masterKeyVersion: number; reason: string };
export type Progress = {
  processed: number;
  moved: number;
  quarantined: number;
  total: number;
  ratePerSecond: number | null;
  cursor: Cursor;
};
export type Commit = {
  jobId: string;
  lease: { name: string; holder: string; expiresAt: Date };
  targetVersion: number;
  moves: Move[];
  quarantines: Quarantine[];
  progress: Progress;
};

/** The job lost its lease to another instance: the batch was not written. */
export class LostLease extends Error {
  override name = "LostLease";
  constructor() {
    super("another instance took over the rewrap lease");
  }
}

// Timestamps as Prisma's adapters store them (see entry-repo).
const sqliteTs = (d: Date) => d.toISOString().replace("Z", "+00:00");

const SELECT_COLUMNS = `e."storeRef", e."keyHash", e."version", e."masterKeyVersion", e."wrappedKey", s."projectId"`;
// The index (masterKeyVersion, storeRef, keyHash) serves this range scan
// directly on both databases: no sort, no scan of what is already moved.
const ORDER = `ORDER BY e."masterKeyVersion", e."storeRef", e."keyHash"`;

const QUARANTINE_UPSERT = (p: (n: number) => string) => `INSERT INTO "QuarantinedEntry" ("storeRef", "keyHash", "version", "masterKeyVersion", "reason", "foundAt")
  VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})
  ON CONFLICT ("storeRef", "keyHash") DO UPDATE SET
    "foundAt" = CASE WHEN "QuarantinedEntry"."version" = excluded."version" AND "QuarantinedEntry"."masterKeyVersion" = excluded."masterKeyVersion" THEN "QuarantinedEntry"."foundAt" ELSE excluded."foundAt" END,
    "confirmedAt" = CASE WHEN "QuarantinedEntry"."version" = excluded."version" AND "QuarantinedEntry"."masterKeyVersion" = excluded."masterKeyVersion" THEN "QuarantinedEntry"."confirmedAt" ELSE NULL END,
    "version" = excluded."version",
    "masterKeyVersion" = excluded."masterKeyVersion",
    "reason" = excluded."reason"`;

function sqliteStatements(c: Database.Database) {
  const prep = (sql: string) => c.prepare(sql).safeIntegers(false);
  return {
    batch: prep(
      `SELECT ${SELECT_COLUMNS} FROM "Entry" e JOIN "Store" s ON s."id" = e."storeRef"
       WHERE e."masterKeyVersion" < ? AND (e."masterKeyVersion", e."storeRef", e."keyHash") > (?, ?, ?) ${ORDER} LIMIT ?`,
    ),
    lease: prep(`UPDATE "Lease" SET "expiresAt" = ? WHERE "name" = ? AND "holder" = ?`),
    move: prep(
      `UPDATE "Entry" SET "wrappedKey" = ?, "masterKeyVersion" = ? WHERE "storeRef" = ? AND "keyHash" = ? AND "version" = ? AND "masterKeyVersion" = ?`,
    ),
    heal: prep(`DELETE FROM "QuarantinedEntry" WHERE "storeRef" = ? AND "keyHash" = ?`),
    quarantine: prep(QUARANTINE_UPSERT(() => "?")),
    job: prep(
      `UPDATE "RewrapJob" SET "processed" = ?, "moved" = ?, "quarantined" = ?, "total" = ?, "ratePerSecond" = ?,
        "cursorVersion" = ?, "cursorStore" = ?, "cursorKey" = ?, "updatedAt" = ? WHERE "id" = ?`,
    ),
  };
}

const cache = new WeakMap<Database.Database, ReturnType<typeof sqliteStatements>>();
const stmts = (c: Database.Database) => {
  let s = cache.get(c);
  if (!s) cache.set(c, (s = sqliteStatements(c)));
  return s;
};

/** Whether a batch's commit runs synchronously on the servers' shared connection (SQLite). */
export const commitBlocksEventLoop = (): boolean => !isPostgres();

/** Up to `limit` rows under a version below `below`, after the cursor, in index order. */
export async function fetchBatch(below: number, after: Cursor, limit: number): Promise<OldRow[]> {
  if (isPostgres()) {
    const { rows } = await getPgPool().query<OldRow>(
      `SELECT ${SELECT_COLUMNS} FROM "Entry" e JOIN "Store" s ON s."id" = e."storeRef"
       WHERE e."masterKeyVersion" < $1 AND (e."masterKeyVersion", e."storeRef", e."keyHash") > ($2, $3, $4) ${ORDER} LIMIT $5`,
      [below, after.version, after.storeRef, after.keyHash, limit],
    );
    return rows;
  }
  const gate = await getSqliteConnection();
  return gate.runExclusive((c) => stmts(c).batch.all(below, after.version, after.storeRef, after.keyHash, limit) as OldRow[]);
}

/** Writes one batch atomically; returns how many rows were re-wrapped (the others changed meanwhile). */
export async function commitBatch(b: Commit): Promise<number> {
  const now = new Date();
  const p = b.progress;
  if (!isPostgres()) {
    const gate = await getSqliteConnection();
    return gate.runExclusive((c) => {
      const s = stmts(c);
      return c
        .transaction(() => {
          if (s.lease.run(sqliteTs(b.lease.expiresAt), b.lease.name, b.lease.holder).changes !== 1) throw new LostLease();
          let moved = 0;
          for (const m of b.moves) {
            moved += s.move.run(m.wrappedKey, b.targetVersion, m.storeRef, m.keyHash, m.version, m.fromVersion).changes;
            s.heal.run(m.storeRef, m.keyHash);
          }
          for (const q of b.quarantines) s.quarantine.run(q.storeRef, q.keyHash, q.version, q.masterKeyVersion, q.reason, sqliteTs(now));
          s.job.run(p.processed, p.moved + moved, p.quarantined, p.total, p.ratePerSecond, p.cursor.version, p.cursor.storeRef, p.cursor.keyHash, sqliteTs(now), b.jobId);
          return moved;
        })
        .immediate();
    });
  }
  const client = await getPgPool().connect();
  try {
    await client.query("BEGIN");
    const lease = await client.query(`UPDATE "Lease" SET "expiresAt" = $1 WHERE "name" = $2 AND "holder" = $3`, [b.lease.expiresAt.toISOString(), b.lease.name, b.lease.holder]);
    if (lease.rowCount !== 1) throw new LostLease();
    let moved = 0;
    if (b.moves.length > 0) {
      const cols = [b.moves.map((m) => m.storeRef), b.moves.map((m) => m.keyHash), b.moves.map((m) => m.version), b.moves.map((m) => m.fromVersion), b.moves.map((m) => Buffer.from(m.wrappedKey))];
      const r = await client.query(
        `UPDATE "Entry" e SET "wrappedKey" = u.w, "masterKeyVersion" = $6
         FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::bytea[]) AS u(s, k, v, m, w)
         WHERE e."storeRef" = u.s AND e."keyHash" = u.k AND e."version" = u.v AND e."masterKeyVersion" = u.m`,
        [...cols, b.targetVersion],
      );
      moved = r.rowCount ?? 0;
      await client.query(
        `DELETE FROM "QuarantinedEntry" q USING unnest($1::text[], $2::text[]) AS u(s, k) WHERE q."storeRef" = u.s AND q."keyHash" = u.k`,
        [cols[0], cols[1]],
      );
    }
    for (const q of b.quarantines) {
      await client.query(QUARANTINE_UPSERT((n) => `$${n}`), [q.storeRef, q.keyHash, q.version, q.masterKeyVersion, q.reason, now.toISOString()]);
    }
    await client.query(
      `UPDATE "RewrapJob" SET "processed" = $1, "moved" = $2, "quarantined" = $3, "total" = $4, "ratePerSecond" = $5,
        "cursorVersion" = $6, "cursorStore" = $7, "cursorKey" = $8, "updatedAt" = $9 WHERE "id" = $10`,
      [p.processed, p.moved + moved, p.quarantined, p.total, p.ratePerSecond, p.cursor.version, p.cursor.storeRef, p.cursor.keyHash, now.toISOString(), b.jobId],
    );
    await client.query("COMMIT");
    return moved;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
