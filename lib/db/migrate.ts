// Applies the committed SQL migrations in prisma/<provider>/migrations, each
// exactly once and inside its own transaction, recording what ran. A
// migration may have a step in code (migration-steps.ts) that runs in the
// same transaction.
//
// Hand-written because the Prisma CLI cannot migrate PostgreSQL offline
// (prisma/orm#27403), and so that the app applies its own migrations on
// start. Concurrency: on PostgreSQL a transaction-scoped advisory lock
// serialises instances that start together; on SQLite `BEGIN IMMEDIATE`
// takes the database's write lock before anything is read.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { ConfigError, type DatabaseTarget } from "./database-url";
import { MIGRATION_STEPS } from "./migration-steps";
import { prepareSqliteFiles } from "./file-modes";

export type Migration = { id: string; sql: string; checksum: string };
export type MigrateResult = { applied: string[]; alreadyApplied: number };

const LOCK_KEY = 724_411_905; // any constant shared by all instances

export function migrationsDir(provider: DatabaseTarget["provider"], root = process.cwd()): string {
  return path.join(/* turbopackIgnore: true */ root, "prisma", provider, "migrations");
}

export function loadMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new Error(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((id) => {
      const sql = readFileSync(path.join(dir, id, "migration.sql"), "utf8");
      return { id, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

function checkHistory(known: Migration[], applied: Map<string, string>): Migration[] {
  const byId = new Map(known.map((m) => [m.id, m]));
  for (const [id, checksum] of applied) {
    const m = byId.get(id);
    if (!m) {
      throw new ConfigError(
        `DATABASE_URL: the database has migration ${id}, which this version of Data Vault does not know; it was written by a newer version`,
      );
    }
    if (m.checksum !== checksum) {
      throw new ConfigError(`migration ${id} was changed after it was applied to this database; restore the original file`);
    }
  }
  return known.filter((m) => !applied.has(m.id));
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_vault_migrations" (
  "id" TEXT NOT NULL PRIMARY KEY,
  "checksum" TEXT NOT NULL,
  "applied_at" TEXT NOT NULL
)`;

export function migrateSqlite(file: string, migrations: Migration[]): MigrateResult {
  try {
    prepareSqliteFiles(file);
  } catch (error) {
    throw new ConfigError(`DATABASE_URL: cannot create or secure ${file} or its folder (${(error as NodeJS.ErrnoException).code})`);
  }
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 15_000 });
  } catch (error) {
    throw new ConfigError(`DATABASE_URL: cannot open SQLite file ${file} (${(error as Error).message})`);
  }
  try {
    db.pragma("journal_mode = WAL");
    db.exec(CREATE_TABLE);
    const result: MigrateResult = { applied: [], alreadyApplied: 0 };
    for (;;) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const rows = db.prepare(`SELECT id, checksum FROM "_vault_migrations"`).all() as { id: string; checksum: string }[];
        const pending = checkHistory(migrations, new Map(rows.map((r) => [r.id, r.checksum])));
        result.alreadyApplied = rows.length;
        const next = pending[0];
        if (!next) {
          db.exec("COMMIT");
          return result;
        }
        db.exec(next.sql);
        MIGRATION_STEPS[next.id]?.sqlite(db);
        db.prepare(`INSERT INTO "_vault_migrations" (id, checksum, applied_at) VALUES (?, ?, ?)`).run(
          next.id,
          next.checksum,
          new Date().toISOString(),
        );
        db.exec("COMMIT");
        result.applied.push(next.id);
      } catch (error) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw error;
      }
    }
  } finally {
    db.close();
  }
}

export async function migratePostgres(url: string, display: string, migrations: Migration[]): Promise<MigrateResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new ConfigError(`DATABASE_URL: cannot connect to PostgreSQL at ${display} (${code})`);
  }
  const result: MigrateResult = { applied: [], alreadyApplied: 0 };
  try {
    for (;;) {
      await client.query("BEGIN");
      try {
        await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
        await client.query(CREATE_TABLE);
        const { rows } = await client.query<{ id: string; checksum: string }>(
          `SELECT id, checksum FROM "_vault_migrations"`,
        );
        const pending = checkHistory(migrations, new Map(rows.map((r) => [r.id, r.checksum])));
        result.alreadyApplied = rows.length;
        const next = pending[0];
        if (!next) {
          await client.query("COMMIT");
          return result;
        }
        await client.query(next.sql);
        await MIGRATION_STEPS[next.id]?.postgres(client);
        await client.query(`INSERT INTO "_vault_migrations" (id, checksum, applied_at) VALUES ($1, $2, $3)`, [
          next.id,
          next.checksum,
          new Date().toISOString(),
        ]);
        await client.query("COMMIT");
        result.applied.push(next.id);
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function migrate(target: DatabaseTarget, root = process.cwd()): Promise<MigrateResult> {
  const migrations = loadMigrations(migrationsDir(target.provider, root));
  return target.provider === "sqlite"
    ? migrateSqlite(target.file, migrations)
    : migratePostgres(target.url, target.display, migrations);
}
