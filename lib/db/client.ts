// The one Prisma client of the process, for whichever provider
// DATABASE_URL names. Both generated clients share one data model, so the
// SQLite client's type stands for both (a unit test keeps the schemas equal).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client";
import { PrismaClient as PostgresClient } from "../generated/postgresql/client";
import { parseDatabaseUrl, type DatabaseTarget } from "./database-url";
import pg from "pg";
import { gateSqliteAdapter, type GatedAdapter } from "./sqlite-gate";

export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const poolSize = () => Number(process.env.DATABASE_POOL_SIZE) || 10;

function createDb(target: DatabaseTarget, h: DbHolder): Db {
  if (target.provider === "sqlite") {
    const factory = new PrismaBetterSQLite3({ url: target.file, timeout: 15_000 });
    const adapter = gateSqliteAdapter(factory, (connected) => (h.sqlite = connected), target.file);
    return new SqliteClient({ adapter });
  }
  const adapter = new PrismaPg({ connectionString: target.url, max: poolSize(), connectionTimeoutMillis: 10_000 });
  // Same models, same query API: only the provider-specific SQL differs.
  return new PostgresClient({ adapter }) as unknown as Db;
}

type DbHolder = { db?: Db; target?: DatabaseTarget; sqlite?: GatedAdapter; pool?: pg.Pool };
const holder = globalThis as unknown as { __dataVaultDb?: DbHolder };

export function getDbTarget(): DatabaseTarget {
  const h = (holder.__dataVaultDb ??= {});
  return (h.target ??= parseDatabaseUrl());
}

export function getDb(): Db {
  const h = (holder.__dataVaultDb ??= {});
  return (h.db ??= createDb(getDbTarget(), h));
}

/** The SQLite connection Prisma uses, for the vault's plain-SQL hot path. */
export async function getSqliteConnection(): Promise<GatedAdapter> {
  const h = (holder.__dataVaultDb ??= {});
  if (!h.sqlite) await getDb().$connect();
  if (!h.sqlite) throw new Error("the SQLite connection is not open");
  return h.sqlite;
}

/** A pg pool for the vault's plain-SQL hot path (Prisma keeps its own). */
export function getPgPool(): pg.Pool {
  const h = (holder.__dataVaultDb ??= {});
  const target = getDbTarget();
  if (target.provider !== "postgres") throw new Error("not on PostgreSQL");
  if (!h.pool) {
    h.pool = new pg.Pool({ connectionString: target.url, max: poolSize(), connectionTimeoutMillis: 10_000 });
    // An idle connection the server closed (restart, failover) is dropped
    // and replaced; without a listener the pool's error would end the process.
    h.pool.on("error", () => undefined);
  }
  return h.pool;
}

/** For tests and the CLI: close the cached client so a new one can be made. */
export async function closeDb(): Promise<void> {
  const h = holder.__dataVaultDb;
  // Move the WAL into the database file first, so a stopped instance leaves
  // one self-contained file (closing the last connection removes the WAL).
  if (h?.sqlite) await h.sqlite.runExclusive((c) => c.pragma("wal_checkpoint(TRUNCATE)"));
  if (h?.db) await h.db.$disconnect();
  if (h?.pool) await h.pool.end();
  holder.__dataVaultDb = {};
}

export function isPostgres(): boolean {
  return getDbTarget().provider === "postgres";
}
