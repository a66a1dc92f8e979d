// A fresh, empty database plus data directory for one benchmark or e2e run:
// a SQLite file in a temporary folder, or a new PostgreSQL database on the
// server in BENCH_PG_URL / TEST_PG_URL (default the local trust-auth server).
import { mkdtempSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export type Provider = "sqlite" | "postgres";

export const PG_ADMIN_URL = process.env.BENCH_PG_URL ?? process.env.TEST_PG_URL ?? "postgresql://root@127.0.0.1:5432/postgres";

export type FreshDatabase = {
  provider: Provider;
  url: string;
  /** DATA_DIR for the server and setup (root key file on SQLite). */
  dataDir: string;
  /** The SQLite file (undefined on PostgreSQL). */
  file?: string;
  /** PostgreSQL database name (undefined on SQLite). */
  name?: string;
  /** Env for setup and the server: DATABASE_URL, DATA_DIR, and a root key on PostgreSQL. */
  env: Record<string, string>;
  drop: () => Promise<void>;
};

export async function postgresReachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

export async function freshDatabase(provider: Provider, prefix = "dv-bench"): Promise<FreshDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  if (provider === "sqlite") {
    const file = path.join(dataDir, "vault.db");
    const url = `file:${file}`;
    return {
      provider,
      url,
      dataDir,
      file,
      env: { DATABASE_URL: url, DATA_DIR: dataDir, NEXTAUTH_SECRET: randomBytes(32).toString("base64") },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `${prefix.replace(/[^a-z0-9]/g, "_")}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  return {
    provider,
    url,
    dataDir,
    name,
    // Production on PostgreSQL requires an explicit root key and session secret.
    env: {
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      VAULT_ROOT_KEY: randomBytes(32).toString("base64"),
      NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    },
    drop: async () => {
      rmSync(dataDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
