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
// The hot statements are named (prepared): each pooled connection has the
// server parse and plan them once instead of on every call, which is a
// good part of PostgreSQL's CPU per request. (Behind PgBouncer in
// transaction mode this needs max_prepared_statements > 0; see the README.)
import type pg from "pg";
import { getPgPool } from "../../db/client";
import { checkDelete, checkFence, decideLease, planWrites, retryRaces, storeNotFound, WriteRace, type Existing } from "./plan";
import type { EntryRepo, LeaseRow, PutItem, RawRow, SealFn, StoredRow } from "./types";
import { isLive, toStoredRow } from "./types";


const utc = (s: string) => new Date(`${s.replace(" ", "T")}Z`);
const COLUMNS = `e."storeRef", e."keyHash", e."ciphertext", e."wrappedKey", e."masterKeyVersion", e."version", e."createdAt"::text AS "createdAt", e."updatedAt"::text AS "updatedAt", e."expiresAt"::text AS "expiresAt"`;

const toRow = (r: RawRow): StoredRow => toStoredRow(r, utc);

const GET_JOINED = `SELECT s."id" AS "sref", ${COLUMNS} FROM "Store" s LEFT JOIN "Entry" e ON e."storeRef" = s."id" AND e."keyHash" = $3 WHERE s."projectId" = $1 AND s."storeId" = $2`;
const STORE_REF = `SELECT "id" FROM "Store" WHERE "projectId" = $1 AND "storeId" = $2`;

const UPDATE = `UPDATE "Entry" SET "ciphertext" = $3, "wrappedKey" = $4, "masterKeyVersion" = $5, "version" = $6, "createdAt" = $7, "updatedAt" = $8, "expiresAt" = $9, "secretGeneration" = $11
  WHERE "storeRef" = $1 AND "keyHash" = $2 AND "version" = $10`;
// Insert and count in one statement: the counter moves only if the row went in.
const INSERT_COUNTED = `WITH ins AS (
    INSERT INTO "Entry" ("storeRef", "keyHash", "ciphertext", "wrappedKey", "masterKeyVersion", "version", "createdAt", "updatedAt", "expiresAt", "secretGeneration")
    SELECT $1, k, c, w, $5, v, $6, $6, x, g FROM unnest($2::text[], $3::bytea[], $4::bytea[], $7::int[], $8::timestamp[], $9::text[]) AS t(k, c, w, v, x, g)
    ON CONFLICT ("storeRef", "keyHash") DO NOTHING RETURNING 1),
  upd AS (UPDATE "Store" SET "entryCount" = "entryCount" + (SELECT count(*) FROM ins) WHERE "id" = $1)
  SELECT count(*)::int AS n FROM ins`;
const DELETE_COUNTED = `WITH del AS (DELETE FROM "Entry" WHERE "storeRef" = $1 AND "keyHash" = $2 AND "version" = $3 RETURNING 1),
  upd AS (UPDATE "Store" SET "entryCount" = "entryCount" - (SELECT count(*) FROM del) WHERE "id" = $1)
  SELECT count(*)::int AS n FROM del`;

const LEASE_LOCKED = `SELECT "token", "expiresAt"::text AS "expiresAt" FROM "EntryLease" WHERE "storeRef" = $1 AND "keyHash" = $2 FOR UPDATE`;
const LEASE_DELETE = `DELETE FROM "EntryLease" WHERE "storeRef" = $1 AND "keyHash" = $2 AND "token" = $3`;

type Queryable = Pick<pg.Pool, "query"> | Pick<pg.PoolClient, "query">;

/** A named prepared statement with its values (one fixed text per name). */
function named(name: string, text: string) {
  return (values: unknown[]): pg.QueryConfig => ({ name: `dv_entry_${name}`, text, values });
}
const getJoined = named("get", GET_JOINED);
const storeRefQuery = named("store_ref", STORE_REF);
const updateQuery = named("update", UPDATE);
const insertQuery = named("insert", INSERT_COUNTED);
const deleteQuery = named("delete", DELETE_COUNTED);
const leaseDeleteQuery = named("lease_delete", LEASE_DELETE);
const EXISTING = `SELECT "keyHash", "version", "createdAt"::text AS "createdAt", "expiresAt"::text AS "expiresAt" FROM "Entry" WHERE "storeRef" = $1 AND "keyHash" = ANY($2::text[])`;
const existingQuery = named("existing", EXISTING);
const existingLockedQuery = named("existing_locked", `${EXISTING} ORDER BY "keyHash" FOR UPDATE`);
// The unlocked single-key write reads the store and the current row in one round trip.
const storeAndExistingQuery = named(
  "store_existing",
  `SELECT s."id" AS "sref", e."keyHash", e."version", e."createdAt"::text AS "createdAt", e."expiresAt"::text AS "expiresAt"
   FROM "Store" s LEFT JOIN "Entry" e ON e."storeRef" = s."id" AND e."keyHash" = $3 WHERE s."projectId" = $1 AND s."storeId" = $2`,
);
type ExistingRaw = { keyHash: string; version: number; createdAt: string; expiresAt: string | null };
const toExisting = (r: ExistingRaw): Existing => ({ keyHash: r.keyHash, version: r.version, createdAt: utc(r.createdAt), expiresAt: r.expiresAt ? utc(r.expiresAt) : null });

/** Only inside a transaction: the row stays locked until it ends (an absent row cannot be locked). */
async function lockedLease(q: Queryable, storeRef: string, keyHash: string): Promise<LeaseRow | null> {
  const { rows } = await q.query<{ token: string; expiresAt: string }>(LEASE_LOCKED, [storeRef, keyHash]);
  return rows[0] ? { token: rows[0].token, expiresAt: utc(rows[0].expiresAt) } : null;
}

const SERIALIZATION_CODES = ["40P01", "40001"];
const raceCode = (error: unknown) => SERIALIZATION_CODES.includes((error as { code?: string })?.code ?? "");

/** Runs work in one transaction on its own connection. */
async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await getPgPool().connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "23503";
}

/** `existing` when the caller already read the rows (the unlocked single-key path). */
async function writeAll(q: Queryable, storeRef: string, items: PutItem[], seal: SealFn, lock: boolean, existing?: Existing[]) {
  // The fence first, under the lease row's lock: a concurrent acquisition
  // waits for this transaction, so it cannot slip in between check and write.
  for (const item of items) if (item.lease) checkFence(await lockedLease(q, storeRef, item.keyHash), item.lease.token);
  const now = new Date();
  if (!existing) {
    const { rows } = await q.query<ExistingRaw>((lock ? existingLockedQuery : existingQuery)([storeRef, items.map((i) => i.keyHash)]));
    existing = rows.map(toExisting);
  }
  const plan = planWrites(items, existing, now);
  const fresh = { keys: [] as string[], c: [] as Buffer[], w: [] as Buffer[], v: [] as number[], x: [] as (string | null)[], g: [] as (string | null)[] };
  let masterKeyVersion = 0;
  for (const w of plan) {
    const sealed = seal(storeRef, w.item.keyHash, w.version, w.item.value);
    masterKeyVersion = sealed.masterKeyVersion;
    const expires = w.item.expiresAt?.toISOString() ?? null;
    if (w.replaces) {
      const r = await q.query(updateQuery([storeRef, w.item.keyHash, sealed.ciphertext, sealed.wrappedKey, sealed.masterKeyVersion, w.version, w.createdAt.toISOString(), now.toISOString(), expires, w.replaces.version, w.item.generation ?? null]));
      if (r.rowCount !== 1) throw new WriteRace();
    } else {
      fresh.keys.push(w.item.keyHash);
      fresh.c.push(Buffer.from(sealed.ciphertext));
      fresh.w.push(Buffer.from(sealed.wrappedKey));
      fresh.v.push(w.version);
      fresh.x.push(expires);
      fresh.g.push(w.item.generation ?? null);
    }
  }
  if (fresh.keys.length > 0) {
    const r = await q.query<{ n: number }>(insertQuery([storeRef, fresh.keys, fresh.c, fresh.w, masterKeyVersion, now.toISOString(), fresh.v, fresh.x, fresh.g]));
    if (r.rows[0]!.n !== fresh.keys.length) throw new WriteRace();
  }
  for (const item of items) if (item.lease?.release) await q.query(leaseDeleteQuery([storeRef, item.keyHash, item.lease.token]));
  return plan.map((w) => ({ version: w.version, created: w.created }));
}

async function storeRefOf(q: Queryable, projectId: string, storeId: string): Promise<string> {
  const { rows } = await q.query<{ id: string }>(storeRefQuery([projectId, storeId]));
  if (!rows[0]) throw storeNotFound(storeId);
  return rows[0].id;
}

export const postgresEntryRepo: EntryRepo = {
  async get(projectId, storeId, keyHash) {
    const { rows } = await getPgPool().query<RawRow & { sref: string }>(getJoined([projectId, storeId, keyHash]));
    const r = rows[0];
    if (!r) return { storeRef: null, row: null };
    return { storeRef: r.sref, row: r.keyHash === null ? null : toRow(r) };
  },

  async getMany(projectId, storeId, keys, maxBytes) {
    const pool = getPgPool();
    // One round trip: the size of the live rows first (from their lengths,
    // no blob read), and the rows only when the answer fits.
    const { rows } = await pool.query<RawRow & { total: string; sref: string }>(
      `WITH s AS (SELECT "id" FROM "Store" WHERE "projectId" = $1 AND "storeId" = $2),
        m AS (SELECT e.* FROM "Entry" e WHERE e."storeRef" = (SELECT "id" FROM s) AND e."keyHash" = ANY($3::text[])),
        t AS (SELECT coalesce(sum(octet_length("ciphertext")) FILTER (WHERE "expiresAt" IS NULL OR "expiresAt" > (now() AT TIME ZONE 'UTC')), 0)::text AS total FROM m)
      SELECT (SELECT "id" FROM s) AS sref, t.total, ${COLUMNS} FROM t LEFT JOIN m e ON t.total::bigint <= $4`,
      [projectId, storeId, keys, maxBytes],
    );
    const first = rows[0];
    if (!first?.sref) return { storeRef: null, rows: [], bytes: 0 };
    return { storeRef: first.sref, rows: rows.filter((r) => r.keyHash !== null).map(toRow), bytes: Number(first.total) };
  },

  async put(projectId, storeId, items, seal) {
    const pool = getPgPool();
    return retryRaces(async (attempt) => {
      try {
        // A fenced write always takes the locking path (the fence needs the lease row's lock).
        if (items.length === 1 && attempt === 1 && !items[0]!.lease) {
          // A single key needs no transaction: its one write is conditional.
          const { rows } = await pool.query<{ sref: string } & ExistingRaw>(storeAndExistingQuery([projectId, storeId, items[0]!.keyHash]));
          if (!rows[0]) throw storeNotFound(storeId);
          const storeRef = rows[0].sref;
          const existing = rows[0].keyHash === null ? [] : [toExisting(rows[0])];
          return { storeRef, results: await writeAll(pool, storeRef, items, seal, false, existing) };
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
        const { rows } = await q.query<RawRow & { sref: string }>(getJoined([projectId, storeId, keyHash]));
        const r = rows[0];
        if (!r) throw storeNotFound(storeId);
        storeRef = r.sref;
        old = r.keyHash === null ? null : toRow(r);
      }
      const live = checkDelete(old, ifVersion, new Date());
      if (old) {
        const del = await q.query<{ n: number }>(deleteQuery([storeRef, keyHash, old.version]));
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

  async lease(projectId, storeId, keyHash, request) {
    // Most lease requests are waiters polling a held lease: answer those from
    // a plain read, without a transaction or a lock. Only an outcome that
    // writes (acquire, renew) takes the locking path, which decides again.
    const pool = getPgPool();
    const { rows: peek } = await pool.query<RawRow & { sref: string; ltoken: string | null; lexpires: string | null }>(
      `SELECT s."id" AS "sref", ${COLUMNS}, l."token" AS "ltoken", l."expiresAt"::text AS "lexpires"
       FROM "Store" s LEFT JOIN "Entry" e ON e."storeRef" = s."id" AND e."keyHash" = $3
       LEFT JOIN "EntryLease" l ON l."storeRef" = s."id" AND l."keyHash" = $3
       WHERE s."projectId" = $1 AND s."storeId" = $2`,
      [projectId, storeId, keyHash],
    );
    const seen = peek[0];
    if (!seen) throw storeNotFound(storeId);
    const seenRow = seen.keyHash === null ? null : toRow(seen);
    const now = new Date();
    const seenLease = seen.ltoken === null ? null : { token: seen.ltoken, expiresAt: utc(seen.lexpires!) };
    const first = decideLease(seenLease, seenRow && isLive(seenRow, now) ? seenRow.version : 0, request, now);
    if (first.kind !== "acquire") return { storeRef: seen.sref, decision: first, row: seenRow };
    return retryRaces(async () => {
      try {
        return await inTransaction(async (client) => {
          const storeRef = await storeRefOf(client, projectId, storeId);
          const lease = await lockedLease(client, storeRef, keyHash);
          const { rows } = await client.query<RawRow>(`SELECT ${COLUMNS} FROM "Entry" e WHERE e."storeRef" = $1 AND e."keyHash" = $2`, [storeRef, keyHash]);
          const row = rows[0] ? toRow(rows[0]) : null;
          const now = new Date();
          const decision = decideLease(lease, row && isLive(row, now) ? row.version : 0, request, now);
          if (decision.kind === "acquire") {
            if (decision.write === "insert") {
              // Two acquirers of a lease nobody held both find no row to lock: the second insert finds the first's.
              const r = await client.query(
                `INSERT INTO "EntryLease" ("storeRef", "keyHash", "token", "expiresAt", "acquiredAt") VALUES ($1, $2, $3, $4, $5) ON CONFLICT ("storeRef", "keyHash") DO NOTHING`,
                [storeRef, keyHash, decision.token, decision.expiresAt.toISOString(), now.toISOString()],
              );
              if (r.rowCount !== 1) throw new WriteRace();
            } else {
              await client.query(
                `UPDATE "EntryLease" SET "token" = $3, "expiresAt" = $4, "acquiredAt" = CASE WHEN "token" = $3 THEN "acquiredAt" ELSE $5::timestamp END WHERE "storeRef" = $1 AND "keyHash" = $2`,
                [storeRef, keyHash, decision.token, decision.expiresAt.toISOString(), now.toISOString()],
              );
            }
          }
          return { storeRef, decision, row };
        });
      } catch (error) {
        if (raceCode(error)) throw new WriteRace();
        throw error;
      }
    });
  },

  async releaseLease(projectId, storeId, keyHash, token) {
    const pool = getPgPool();
    const storeRef = await storeRefOf(pool, projectId, storeId);
    const r = await pool.query(leaseDeleteQuery([storeRef, keyHash, token]));
    return { storeRef, released: r.rowCount === 1 };
  },
};
