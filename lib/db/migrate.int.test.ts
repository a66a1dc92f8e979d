// Migrations against real SQLite and real PostgreSQL: applied once, safe
// when instances start together, atomic when one fails, and they forward an
// older database without losing its rows. The tables they create match the
// Prisma models column for column.
import { cpSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseDatabaseUrl } from "./database-url";
import { migrate, loadMigrations, migrationsDir } from "./migrate";
import { createTestDatabase, postgresReachable, type Provider } from "@/test/providers";

// The compiled db:migrate (dist/cli/migrate.mjs), as `npm run db:migrate` runs it.
beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs", "--if-stale"], { stdio: "pipe" });
});

const drops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (drops.length) await drops.pop()!();
});

async function freshTarget(provider: Provider) {
  const db = await createTestDatabase(provider);
  drops.push(db.drop);
  return parseDatabaseUrl({ DATABASE_URL: db.url });
}

async function query(target: ReturnType<typeof parseDatabaseUrl>, sql: string): Promise<Record<string, unknown>[]> {
  if (target.provider === "sqlite") {
    const db = new Database(target.file, { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

async function exec(target: ReturnType<typeof parseDatabaseUrl>, sql: string): Promise<void> {
  if (target.provider === "sqlite") {
    const db = new Database(target.file);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: target.url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A copy of the real migrations plus extra ones, in a scratch project root. */
function scratchRoot(provider: Provider, extra: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "dv-mig-"));
  const dir = migrationsDir(provider, root);
  mkdirSync(dir, { recursive: true });
  cpSync(migrationsDir(provider), dir, { recursive: true });
  for (const [id, sql] of Object.entries(extra)) {
    mkdirSync(path.join(dir, id));
    writeFileSync(path.join(dir, id, "migration.sql"), sql);
  }
  return root;
}

/** Column names per table, as the models declare them. */
function modelColumns(): Map<string, string[]> {
  const text = readFileSync("prisma/schema.models.prisma", "utf8");
  const models = new Map<string, string[]>();
  for (const m of text.matchAll(/model (\w+) \{([\s\S]*?)\n\}/g)) {
    const fields = m[2]!
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("//") && !l.startsWith("@@"))
      .map((l) => l.split(/\s+/))
      // Scalar fields are columns; relation fields (another model's name) are not.
      .filter(([, type]) => ["String", "Int", "Boolean", "DateTime", "Bytes", "String?", "Int?", "DateTime?", "Bytes?", "Boolean?", "Float", "Float?"].includes(type ?? ""))
      .map(([name]) => name!);
    models.set(m[1]!, fields.sort());
  }
  return models;
}

for (const provider of ["sqlite", "postgres"] as const) {
  describe(`migrations [${provider}]`, async () => {
    const run = provider === "postgres" && !(await postgresReachable()) ? it.skip : it;

    run("applies every migration once; a second run applies nothing", async () => {
      const target = await freshTarget(provider);
      const first = await migrate(target);
      expect(first.applied).toEqual(loadMigrations(migrationsDir(provider)).map((m) => m.id));
      const second = await migrate(target);
      expect(second.applied).toEqual([]);
      const rows = await query(target, `SELECT id FROM "_vault_migrations"`);
      expect(rows.length).toBe(first.applied.length);
    });

    run("creates exactly the columns the models declare", async () => {
      const target = await freshTarget(provider);
      await migrate(target);
      for (const [model, columns] of modelColumns()) {
        const rows =
          provider === "sqlite"
            ? await query(target, `SELECT name FROM pragma_table_info('${model}')`)
            : await query(target, `SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${model}'`);
        expect(rows.map((r) => r.name).sort(), model).toEqual(columns);
      }
    });

    run("is safe when several instances start at the same moment", async () => {
      const target = await freshTarget(provider);
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          // Separate processes, as separate app instances would be, running at once.
          new Promise<number>((resolve, reject) => {
            const child = spawn(process.execPath, ["dist/cli/migrate.mjs"], { env: { ...process.env, DATABASE_URL: target.url }, stdio: "ignore" });
            child.on("error", reject);
            child.on("exit", (code) => resolve(code ?? -1));
          }),
        ),
      );
      expect(results).toEqual([0, 0, 0, 0]);
      const rows = await query(target, `SELECT id FROM "_vault_migrations"`);
      expect(rows.length).toBe(loadMigrations(migrationsDir(provider)).length);
    }, 120_000);

    run("a migration that fails halfway leaves the database as it was", async () => {
      const target = await freshTarget(provider);
      await migrate(target);
      await migrate(target, scratchRoot(provider, { "0900_seed": `INSERT INTO "Project" ("id","name","updatedAt") VALUES ('p1','kept', CURRENT_TIMESTAMP);` }));
      const root = scratchRoot(provider, {
        "0900_seed": `INSERT INTO "Project" ("id","name","updatedAt") VALUES ('p1','kept', CURRENT_TIMESTAMP);`,
        "0901_broken": `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nUPDATE "Project" SET "name" = 'changed';\nSELECT * FROM "no_such_table";`,
      });
      await expect(migrate(target, root)).rejects.toThrow();
      const tables =
        provider === "sqlite"
          ? await query(target, `SELECT name FROM sqlite_master WHERE name = 'Half'`)
          : await query(target, `SELECT table_name FROM information_schema.tables WHERE table_name = 'Half'`);
      expect(tables).toEqual([]);
      expect(await query(target, `SELECT name FROM "Project"`)).toEqual([{ name: "kept" }]);
      const applied = await query(target, `SELECT id FROM "_vault_migrations" WHERE id LIKE '09%'`);
      expect(applied.map((r) => r.id)).toEqual(["0900_seed"]);
    });

    run("migrates an older database forward without resetting it", async () => {
      const target = await freshTarget(provider);
      await migrate(target);
      await migrate(target, scratchRoot(provider, { "0900_seed": `INSERT INTO "Project" ("id","name","updatedAt") VALUES ('p1','old data', CURRENT_TIMESTAMP);` }));
      const newer = scratchRoot(provider, {
        "0900_seed": `INSERT INTO "Project" ("id","name","updatedAt") VALUES ('p1','old data', CURRENT_TIMESTAMP);`,
        "0902_add_column": `ALTER TABLE "Project" ADD COLUMN "color" TEXT NOT NULL DEFAULT 'blue';`,
      });
      const r = await migrate(target, newer);
      expect(r.applied).toEqual(["0902_add_column"]);
      expect(await query(target, `SELECT name, color FROM "Project"`)).toEqual([{ name: "old data", color: "blue" }]);
    });

    run("0004: store ids unique without regard to case; older case duplicates keep working outside the index", async () => {
      const target = await freshTarget(provider);
      const seedId = "0003_zzz_seed_case_duplicates";
      const seed = `INSERT INTO "Project" ("id","name","updatedAt") VALUES ('p1','P', CURRENT_TIMESTAMP);
INSERT INTO "Store" ("id","projectId","storeId","displayName","createdAt") VALUES ('s1','p1','oauth-tokens','a', '2024-01-01 00:00:00');
INSERT INTO "Store" ("id","projectId","storeId","displayName","createdAt") VALUES ('s2','p1','OAuth-Tokens','b', '2024-02-01 00:00:00');
INSERT INTO "Store" ("id","projectId","storeId","displayName","createdAt") VALUES ('s3','p1','other','c', '2024-03-01 00:00:00');`;
      // The database as it was before 0004, holding a case duplicate.
      const before = scratchRoot(provider, { [seedId]: seed });
      const dir = migrationsDir(provider, before);
      for (const m of loadMigrations(dir)) if (m.id >= "0004") rmSync(path.join(dir, m.id), { recursive: true });
      await migrate(target, before);
      const r = await migrate(target, scratchRoot(provider, { [seedId]: seed }));
      expect(r.applied).toContain("0004_store_id_case_insensitive");
      const rows = await query(target, `SELECT "id", "caseDuplicate" FROM "Store" ORDER BY "id"`);
      expect(rows.map((row) => [row.id, Boolean(row.caseDuplicate)])).toEqual([["s1", false], ["s2", true], ["s3", false]]);
      // New rows are held to the rule by the database itself.
      const insert = (id: string, storeId: string) =>
        exec(target, `INSERT INTO "Store" ("id","projectId","storeId","displayName") VALUES ('${id}','p1','${storeId}','x')`);
      await expect(insert("s4", "OAUTH-TOKENS")).rejects.toThrow(/unique/i);
      await expect(insert("s5", "Other")).rejects.toThrow(/unique/i);
      await insert("s6", "third");
      await expect(insert("s7", "THIRD")).rejects.toThrow(/unique/i);
    });

    run("refuses a database written by a newer version, and an edited migration", async () => {
      const target = await freshTarget(provider);
      await migrate(target, scratchRoot(provider, { "0999_future": `SELECT 1;` }));
      await expect(migrate(target)).rejects.toThrow(/newer version/);
      const edited = await freshTarget(provider);
      await migrate(edited, scratchRoot(provider, { "0903_x": `SELECT 1;` }));
      await expect(migrate(edited, scratchRoot(provider, { "0903_x": `SELECT 2;` }))).rejects.toThrow(/changed after it was applied/);
    });
  });
}

describe("start-up errors", () => {
  const start = (env: Record<string, string>) =>
    spawnSync(process.execPath, ["dist/cli/migrate.mjs"], { env: { ...process.env, ...env }, encoding: "utf8" });

  it("an unknown scheme stops with one line naming DATABASE_URL", () => {
    const r = start({ DATABASE_URL: "mysql://root:s3cret@127.0.0.1/x" });
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("npm warn"));
    expect(lines).toEqual([expect.stringMatching(/^data-vault: cannot start: DATABASE_URL: unsupported scheme "mysql"/)]);
    expect(r.stderr + r.stdout).not.toContain("s3cret");
  });

  it("an unreachable database stops with one line naming DATABASE_URL, no stack, no password", () => {
    const r = start({ DATABASE_URL: "postgresql://root:s3cret@127.0.0.1:1/x" });
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n").filter((l) => l.trim() && !l.startsWith("npm warn"));
    expect(lines).toEqual([expect.stringMatching(/^data-vault: cannot start: DATABASE_URL: cannot connect to PostgreSQL at postgresql:\/\/root@127\.0\.0\.1:1\/x \(ECONNREFUSED\)$/)]);
    expect(r.stderr + r.stdout).not.toContain("s3cret");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("an unusable SQLite path stops with one line naming DATABASE_URL", () => {
    const r = start({ DATABASE_URL: "file:/dev/null/sub/vault.db" });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/data-vault: cannot start: DATABASE_URL/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
