// Runs an integration suite once per real database: a fresh SQLite file and
// a fresh PostgreSQL database (created on the server in TEST_PG_URL, default
// postgresql://root@127.0.0.1:5432/postgres, and dropped afterwards).
// When PostgreSQL is unreachable the suite says so loudly; with CI=true it
// fails instead of skipping.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { closeDb } from "@/lib/db/client";
import { resetConfigForTests } from "@/lib/config";
import { prepareDatabase } from "@/lib/startup";
import { resetProcessSingletons } from "@/lib/singleton";
import { drainAuditQueue } from "@/lib/audit/record";

export type Provider = "sqlite" | "postgres";
export const PG_ADMIN_URL = process.env.TEST_PG_URL ?? "postgresql://root@127.0.0.1:5432/postgres";

let pgReachable: Promise<boolean> | undefined;
export function postgresReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      return false;
    }
  })();
  return pgReachable;
}

/** A new empty database; returns its URL and a function that drops it. */
export async function createTestDatabase(provider: Provider): Promise<{ url: string; drop: () => Promise<void> }> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(tmpdir(), "dv-test-"));
    return { url: `file:${path.join(dir, "vault.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `dv_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

const pgAvailable = await postgresReachable();
if (!pgAvailable) {
  const msg = `PostgreSQL is NOT reachable at ${PG_ADMIN_URL}: the PostgreSQL integration tier cannot run`;
  if (process.env.CI === "true") throw new Error(`${msg} (CI=true: failing instead of skipping)`);
  console.warn(`\n!!! ${msg}; SKIPPING it. Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n`);
}

/**
 * describe() once per provider, with DATABASE_URL pointing at a fresh,
 * migrated database for the duration of that block.
 */
export function describeEachProvider(name: string, body: (provider: Provider) => void): void {
  for (const provider of ["sqlite", "postgres"] as const) {
    const run = provider === "postgres" && !pgAvailable ? describe.skip : describe;
    run(`${name} [${provider}]`, () => {
      let drop: (() => Promise<void>) | undefined;
      const saved = { url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR };
      beforeAll(async () => {
        const db = await createTestDatabase(provider);
        drop = db.drop;
        process.env.DATABASE_URL = db.url;
        // Its own root key file and no caches from another block.
        process.env.DATA_DIR = mkdtempSync(path.join(tmpdir(), "dv-data-"));
        process.env.VAULT_LOG ??= "off";
        resetProcessSingletons();
        resetConfigForTests();
        await closeDb();
        await prepareDatabase();
      });
      afterAll(async () => {
        // Audit events still queued would be written by the writer's timer
        // after this block, into whatever database the next block opened.
        try {
          await drainAuditQueue();
        } catch {
          // Nothing to write, or nowhere to write it: the block is over either way.
        }
        await closeDb();
        rmSync(process.env.DATA_DIR!, { recursive: true, force: true });
        process.env.DATABASE_URL = saved.url;
        process.env.DATA_DIR = saved.dataDir;
        resetProcessSingletons();
        resetConfigForTests();
        await drop?.();
      });
      body(provider);
    });
  }
}
