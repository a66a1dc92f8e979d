// The one Prisma client of the process, for whichever provider
// DATABASE_URL names. Both generated clients share one data model, so the
// SQLite client's type stands for both (a unit test keeps the schemas equal).
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client";
import { PrismaClient as PostgresClient } from "../generated/postgresql/client";
import { parseDatabaseUrl, type DatabaseTarget } from "./database-url";
import { gateSqliteAdapter } from "./sqlite-gate";

export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

export function createDb(target: DatabaseTarget): Db {
  if (target.provider === "sqlite") {
    const factory = new PrismaBetterSQLite3({ url: target.file, timeout: 15_000 });
    const adapter = gateSqliteAdapter(factory);
    return new SqliteClient({ adapter });
  }
  const adapter = new PrismaPg({
    connectionString: target.url,
    max: Number(process.env.DATABASE_POOL_SIZE) || 10,
    connectionTimeoutMillis: 10_000,
  });
  // Same models, same query API: only the provider-specific SQL differs.
  return new PostgresClient({ adapter }) as unknown as Db;
}

type DbHolder = { db?: Db; target?: DatabaseTarget; ready?: Promise<void> };
const holder = globalThis as unknown as { __dataVaultDb?: DbHolder };

export function getDbTarget(): DatabaseTarget {
  const h = (holder.__dataVaultDb ??= {});
  return (h.target ??= parseDatabaseUrl());
}

export function getDb(): Db {
  const h = (holder.__dataVaultDb ??= {});
  return (h.db ??= createDb(getDbTarget()));
}

/** For tests and the CLI: close the cached client so a new one can be made. */
export async function closeDb(): Promise<void> {
  const h = holder.__dataVaultDb;
  if (h?.db) await h.db.$disconnect();
  holder.__dataVaultDb = {};
}

export function isPostgres(): boolean {
  return getDbTarget().provider === "postgres";
}
