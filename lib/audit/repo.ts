import "server-only";
// The audit table in plain SQL, one statement set for both databases (only
// placeholders and timestamp text differ): batched inserts from the queue,
// the read path's filtered query, retention. Plain SQL for the same reason
// as the entries' hot path (Prisma's query compiler costs about a
// millisecond a query) and so each query's index plan is ours to choose:
// every filter combination the dashboard and the API offer is an equality
// prefix of one of the table's indexes followed by "id", so "newest first"
// is an index walk that stops at the page size (scripts/audit-query-plan.ts
// prints the plans on a million events).
import type Database from "better-sqlite3";
import type { Tx } from "../db/client";
import { getDbTarget, getPgPool, getSqliteConnection } from "../db/client";
import type { AuditFilter, AuditEventView } from "./types";
import { idFloor } from "./ids";

export type AuditRow = {
  id: string;
  createdAt: Date;
  action: string;
  result: string;
  status: number | null;
  actorType: string;
  actorId: string | null;
  projectId: string | null;
  storeId: string | null;
  keyHash: string | null;
  operation: string | null;
  target: string | null;
  clientAddress: string | null;
  requestId: string | null;
  /** Security events: a small JSON object of non-secret facts. */
  detail?: string | null;
};

const COLUMNS = ["id", "createdAt", "action", "result", "status", "actorType", "actorId", "projectId", "storeId", "keyHash", "operation", "target", "clientAddress", "requestId", "detail"] as const;
const quoted = COLUMNS.map((c) => `"${c}"`).join(", ");

// SQLite keeps timestamps as the text Prisma's adapter writes; PostgreSQL
// as TIMESTAMP(3) in UTC, given and read as text.
const sqliteTime = (d: Date) => d.toISOString().replace("Z", "+00:00");
const pgTime = (s: string) => new Date(`${s.replace(" ", "T")}Z`);

function values(r: AuditRow, time: (d: Date) => string): unknown[] {
  return [r.id, time(r.createdAt), r.action, r.result, r.status, r.actorType, r.actorId, r.projectId, r.storeId, r.keyHash, r.operation, r.target, r.clientAddress, r.requestId, r.detail ?? null];
}

const isPostgres = () => getDbTarget().provider === "postgres";

// ---------------------------------------------------------------- writes

const INSERT_SQLITE = `INSERT INTO "AuditEvent" (${quoted}) VALUES (${COLUMNS.map(() => "?").join(", ")})`;
const INSERT_PG = `INSERT INTO "AuditEvent" (${quoted})
  SELECT * FROM unnest($1::text[], $2::timestamp[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])`;

// Rows per SQLite statement: one call into the driver for many rows (15
// parameters a row, far below SQLite's limit of 32,766).
const ROWS_PER_STATEMENT = 50;
const INSERT_SQLITE_MANY = `INSERT INTO "AuditEvent" (${quoted}) VALUES ${Array.from({ length: ROWS_PER_STATEMENT }, () => `(${COLUMNS.map(() => "?").join(", ")})`).join(", ")}`;
const inserts = new WeakMap<Database.Database, { one: Database.Statement; many: Database.Statement }>();

/** Writes a batch in one transaction (one statement on PostgreSQL). */
export async function insertEvents(rows: readonly AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  if (isPostgres()) {
    const columns: unknown[][] = COLUMNS.map(() => []);
    for (const r of rows) values(r, (d) => d.toISOString()).forEach((v, i) => columns[i]!.push(v));
    // Named: each pooled connection parses and plans it once.
    await getPgPool().query({ name: "dv_audit_insert", text: INSERT_PG, values: columns });
    return;
  }
  const gate = await getSqliteConnection();
  await gate.runExclusive((c) => {
    let insert = inserts.get(c);
    if (!insert) inserts.set(c, (insert = { one: c.prepare(INSERT_SQLITE), many: c.prepare(INSERT_SQLITE_MANY) }));
    const { one, many } = insert;
    c.transaction(() => {
      let i = 0;
      for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT) {
        many.run(rows.slice(i, i + ROWS_PER_STATEMENT).flatMap((r) => values(r, sqliteTime)));
      }
      for (; i < rows.length; i++) one.run(values(rows[i]!, sqliteTime));
    })();
  });
}

/** One event inside the caller's Prisma transaction (admin actions). */
export async function insertInTransaction(tx: Tx, r: AuditRow): Promise<void> {
  await tx.auditEvent.create({ data: { ...r, detail: r.detail ?? null } });
}

// ---------------------------------------------------------------- reads

type Built = { sql: string; params: unknown[] };

/** The read path's query: the filters, newest first, ids below `before`, at most `limit` rows. */
export function buildQuery(filter: AuditFilter, before: string | null, limit: number, postgres = isPostgres()): Built {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return postgres ? `$${params.length}` : "?";
  };
  const where: string[] = [];
  if (filter.projectId === null) where.push(`"projectId" IS NULL`);
  else if (filter.projectId !== undefined) where.push(`"projectId" = ${p(filter.projectId)}`);
  if (filter.storeId !== undefined) where.push(`"storeId" = ${p(filter.storeId)}`);
  if (filter.keyHash !== undefined) where.push(`"keyHash" = ${p(filter.keyHash)}`);
  if (filter.actions !== undefined) {
    if (filter.actions.length === 1) where.push(`"action" = ${p(filter.actions[0])}`);
    else where.push(`"action" IN (${filter.actions.map((a) => p(a)).join(", ")})`);
  }
  if (filter.actorType !== undefined) where.push(`"actorType" = ${p(filter.actorType)}`);
  if (filter.actorId !== undefined) where.push(`"actorId" = ${p(filter.actorId)}`);
  if (filter.result !== undefined) where.push(`"result" = ${p(filter.result)}`);
  // Time is the id's prefix: a range on the indexes' last column.
  if (filter.since !== undefined) where.push(`"id" >= ${p(idFloor(filter.since))}`);
  if (filter.until !== undefined) where.push(`"id" < ${p(idFloor(filter.until))}`);
  if (before !== null) where.push(`"id" < ${p(before)}`);
  const columns = postgres ? quoted.replace(`"createdAt"`, `"createdAt"::text AS "createdAt"`) : quoted;
  const sql = `SELECT ${columns} FROM "AuditEvent"${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY "id" DESC LIMIT ${p(limit)}`;
  return { sql, params };
}

type RawRow = Omit<AuditRow, "createdAt" | "detail"> & { createdAt: string; detail: string | null };

function parseDetail(text: string | null): Record<string, unknown> | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function toView(r: RawRow, time: (s: string) => Date): AuditEventView {
  return {
    id: r.id,
    at: time(r.createdAt).toISOString(),
    action: r.action,
    result: r.result,
    status: r.status === null ? null : Number(r.status),
    actorType: r.actorType,
    actorId: r.actorId,
    projectId: r.projectId,
    storeId: r.storeId,
    keyHash: r.keyHash,
    operation: r.operation,
    target: r.target,
    clientAddress: r.clientAddress,
    requestId: r.requestId,
    detail: parseDetail(r.detail),
  };
}

export async function selectEvents(filter: AuditFilter, before: string | null, limit: number): Promise<AuditEventView[]> {
  const { sql, params } = buildQuery(filter, before, limit);
  if (isPostgres()) {
    const { rows } = await getPgPool().query<RawRow>(sql, params);
    return rows.map((r) => toView(r, pgTime));
  }
  const gate = await getSqliteConnection();
  const rows = await gate.runExclusive((c) => c.prepare(sql).safeIntegers(false).all(...params) as RawRow[]);
  return rows.map((r) => toView(r, (s) => new Date(s)));
}

/** The database's plan for a read-path query (scripts/audit-query-plan.ts). */
export async function explainQuery(filter: AuditFilter, before: string | null, limit: number): Promise<string> {
  const { sql, params } = buildQuery(filter, before, limit);
  if (isPostgres()) {
    const { rows } = await getPgPool().query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  const gate = await getSqliteConnection();
  const rows = await gate.runExclusive((c) => c.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]);
  return rows.map((r) => r.detail).join("\n");
}

// ---------------------------------------------------------------- retention

/** Deletes up to `limit` events older than `before` (by id); returns how many. */
export async function deleteOlderThan(before: Date, limit: number): Promise<number> {
  const floor = idFloor(before);
  if (isPostgres()) {
    const r = await getPgPool().query(
      `DELETE FROM "AuditEvent" WHERE "id" IN (SELECT "id" FROM "AuditEvent" WHERE "id" < $1 ORDER BY "id" LIMIT $2)`,
      [floor, limit],
    );
    return r.rowCount ?? 0;
  }
  const gate = await getSqliteConnection();
  return gate.runExclusive(
    (c) => c.prepare(`DELETE FROM "AuditEvent" WHERE "id" IN (SELECT "id" FROM "AuditEvent" WHERE "id" < ? ORDER BY "id" LIMIT ?)`).run(floor, limit).changes,
  );
}
