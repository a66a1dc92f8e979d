import "server-only";
// Entries on PostgreSQL with few round trips: a read is one query; a
// single-key write first tries the optimistic path: read the current row,
// then one atomic statement conditional on what it read (a conditional
// UPDATE, or an INSERT ... ON CONFLICT DO NOTHING whose count moves the
// store's counter in the same statement). If a concurrent writer got there
// first, it runs again in a transaction that locks the rows (SELECT ... FOR
// UPDATE, in key order), so contended writers queue instead of racing.
// Batches always take the locking path. Timestamps are TIMESTAMP(3) in
// UTC, as Prisma stores them; they are read as text to avoid time zones.
import type pg from "pg";
import { getPgPool } from "../../db/client";
import { checkDelete, planWrites, retryRaces, storeNotFound, WriteRace, type Existing } from "./plan";
import type { EntryRepo, PutItem, RawRow, SealFn, StoredRow } from "./types";
import { toStoredRow } from "./types";


const utc = (s: string) => new Date(`${s.replace(" ", "T")}Z`);
const COLUMNS = `e."storeRef", e."keyHash", e."ciphertext", e."wrappedKey", e."masterKeyVersion", e."version", e."createdAt"::text AS "createdAt", e."updatedAt"::text AS "updatedAt", e."expiresAt"::text AS "expiresAt"`;

const toRow = (r: RawRow): StoredRow => toStoredRow(r, utc);

const GET_JOINED = `SELECT s."id" AS "sref", ${COLUMNS} FROM "Store" s LEFT JOIN "Entry" e ON e."storeRef" = s."id" AND e."keyHash" = $3 WHERE s."projectId" = $1 AND s."storeId" = $2`;
const STORE_REF = `SELECT "id" FROM "Store" WHERE "projectId" = $1 AND "storeId" = $2`;

const UPDATE = `UPDATE "Entry" SET "ciphertext" = $3, "wrappedKey" = $4, "masterKeyVersion" = $5, "version" = $6, "createdAt" = $7, "updatedAt" = $8, "expiresAt" = $9
  WHERE "storeRef" = $1 AND "keyHash" = $2 AND "version" = $10`;
// Insert and count in one statement: the counter moves only if the row went in.
const INSERT_COUNTED = `WITH ins AS (
    INSERT INTO "Entry" ("storeRef", "keyHash", "ciphertext", "wrappedKey", "masterKeyVersion", "version", "createdAt", "updatedAt", "expiresAt")
    SELECT $1, k, c, w, $5, v, $6, $6, x FROM unnest($2::text[], $3::bytea[], $4::bytea[], $7::int[], $8::timestamp[]) AS t(k, c, w, v, x)
    ON CONFLICT ("storeRef", "keyHash") DO NOTHING RETURNING 1),
  upd AS (UPDATE "Store" SET "entryCount" = "entryCount" + (SELECT count(*) FROM ins) WHERE "id" = $1)
  SELECT count(*)::int AS n FROM ins`;
const DELETE_COUNTED = `WITH del AS (DELETE FROM "Entry" WHERE "storeRef" = $1 AND "keyHash" = $2 AND "version" = $3 RETURNING 1),
  upd AS (UPDATE "Store" SET "entryCount" = "entryCount" - (SELECT count(*) FROM del) WHERE "id" = $1)
  SELECT count(*)::int AS n FROM del`;

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "23503";
}

async function writeAll(q: Queryable, storeRef: string, items: PutItem[], seal: SealFn, lock: boolean) {
  const now = new Date();
  const { rows } = await q.query<{ keyHash: string; version: number; createdAt: string; expiresAt: string | null }>(
    `SELECT "keyHash", "version", "createdAt"::text AS "createdAt", "expiresAt"::text AS "expiresAt" FROM "Entry" WHERE "storeRef" = $1 AND "keyHash" = ANY($2::text[])${lock ? ` ORDER BY "keyHash" FOR UPDATE` : ""}`,
    [storeRef, items.map((i) => i.keyHash)],
  );
  const existing = rows.map((r): Existing => ({ keyHash: r.keyHash, version: r.version, createdAt: utc(r.createdAt), expiresAt: r.expiresAt ? utc(r.expiresAt) : null }));
  const plan = planWrites(items, existing, now);
  const fresh = { keys: [] as string[], c: [] as Buffer[], w: [] as Buffer[], v: [] as number[], x: [] as (string | null)[] };
  let masterKeyVersion = 0;
  for (const w of plan) {
    const sealed = seal(storeRef, w.item.keyHash, w.version, w.item.value);
    masterKeyVersion = sealed.masterKeyVersion;
    const expires = w.item.expiresAt?.toISOString() ?? null;
    if (w.replaces) {
      const r = await q.query(UPDATE, [storeRef, w.item.keyHash, sealed.ciphertext, sealed.wrappedKey, sealed.masterKeyVersion, w.version, w.createdAt.toISOString(), now.toISOString(), expires, w.replaces.version]);
      if (r.rowCount !== 1) throw new WriteRace();
    } else {
      fresh.keys.push(w.item.keyHash);
      fresh.c.push(Buffer.from(sealed.ciphertext));
      fresh.w.push(Buffer.from(sealed.wrappedKey));
      fresh.v.push(w.version);
      fresh.x.push(expires);
    }
  }
  if (fresh.keys.length > 0) {
    const r = await q.query<{ n: number }>(INSERT_COUNTED, [storeRef, fresh.keys, fresh.c, fresh.w, masterKeyVersion, now.toISOString(), fresh.v, fresh.x]);
    if (r.rows[0]!.n !== fresh.keys.length) throw new WriteRace();
  }
  return plan.map((w) => ({ version: w.version, created: w.created }));
}

async function storeRefOf(q: Queryable, projectId: string, storeId: string): Promise<string> {
  const { rows } = await q.query<{ id: string }>(STORE_REF, [projectId, storeId]);
  if (!rows[0]) throw storeNotFound(storeId);
  return rows[0].id;
}

export const postgresEntryRepo: EntryRepo = {
  async get(projectId, storeId, keyHash) {
    const { rows } = await getPgPool().query<RawRow & { sref: string }>(GET_JOINED, [projectId, storeId, keyHash]);
    const r = rows[0];
    if (!r) return { storeRef: null, row: null };
    return { storeRef: r.sref, row: r.keyHash === null ? null : toRow(r) };
  },

  async getMany(projectId, storeId, keys) {
    const pool = getPgPool();
    const { rows: stores } = await pool.query<{ id: string }>(STORE_REF, [projectId, storeId]);
    if (!stores[0]) return { storeRef: null, rows: [] };
    const { rows } = await pool.query<RawRow>(`SELECT ${COLUMNS} FROM "Entry" e WHERE e."storeRef" = $1 AND e."keyHash" = ANY($2::text[])`, [stores[0].id, keys]);
    return { storeRef: stores[0].id, rows: rows.map(toRow) };
  },

  async put(projectId, storeId, items, seal) {
    const pool = getPgPool();
    return retryRaces(async (attempt) => {
      try {
        if (items.length === 1 && attempt === 1) {
          // A single key needs no transaction: its one write is conditional.
          const storeRef = await storeRefOf(pool, projectId, storeId);
          return { storeRef, results: await writeAll(pool, storeRef, items, seal, false) };
        }
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const storeRef = await storeRefOf(client, projectId, storeId);
          const results = await writeAll(client, storeRef, items, seal, true);
          await client.query("COMMIT");
          return { storeRef, results };
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      } catch (error) {
        // The store was deleted between our read and our write.
        if (isForeignKeyViolation(error)) throw storeNotFound(storeId);
        // Two batches touching the same keys in another order.
        if (["40P01", "40001"].includes((error as { code?: string })?.code ?? "")) throw new WriteRace();
        throw error;
      }
    });
  },

  async delete(projectId, storeId, keyHash, ifVersion) {
    const pool = getPgPool();
    const attemptDelete = async (q: Queryable, lock: boolean) => {
      let storeRef: string;
      let old: StoredRow | null;
      if (lock) {
        // FOR UPDATE cannot lock the nullable side of the outer join: two queries.
        storeRef = await storeRefOf(q, projectId, storeId);
        const { rows } = await q.query<RawRow>(`SELECT ${COLUMNS} FROM "Entry" e WHERE e."storeRef" = $1 AND e."keyHash" = $2 FOR UPDATE`, [storeRef, keyHash]);
        old = rows[0] ? toRow(rows[0]) : null;
      } else {
        const { rows } = await q.query<RawRow & { sref: string }>(GET_JOINED, [projectId, storeId, keyHash]);
        const r = rows[0];
        if (!r) throw storeNotFound(storeId);
        storeRef = r.sref;
        old = r.keyHash === null ? null : toRow(r);
      }
      const live = checkDelete(old, ifVersion, new Date());
      if (old) {
        const del = await q.query<{ n: number }>(DELETE_COUNTED, [storeRef, keyHash, old.version]);
        if (del.rows[0]!.n !== 1) throw new WriteRace();
      }
      return { storeRef, live };
    };
    return retryRaces(async (attempt) => {
      if (attempt === 1) return attemptDelete(pool, false);
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await attemptDelete(client, true);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        if (["40P01", "40001"].includes((error as { code?: string })?.code ?? "")) throw new WriteRace();
        throw error;
      } finally {
        client.release();
      }
    });
  },
};
