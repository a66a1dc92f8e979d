// Starts the production build (next start) on a fresh database for the
// HTTP tiers, and provisions it through the real services in this process
// (same DATABASE_URL and DATA_DIR, so the same root key file).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import net from "node:net";
import { randomBytes } from "node:crypto";
import { closeDb } from "@/lib/db/client";
import { resetConfigForTests } from "@/lib/config";
import { prepareDatabase } from "@/lib/startup";
import { ensureKeyring } from "@/lib/vault/keyring";
import { resetProcessSingletons } from "@/lib/singleton";
import { createTestDatabase, type Provider } from "./providers";

export type TestServer = {
  provider: Provider;
  serving: Serving;
  url: string;
  databaseUrl: string;
  dataDir: string;
  pid: number;
  logs: () => string;
  stop: () => Promise<void>;
  restart: (env?: Record<string, string>) => Promise<void>;
};

/**
 * How a test runs the production build: "npm-start" is what `npm start`
 * serves (dist/server.mjs: the lean v1 path plus Next's handler), "next"
 * is plain `next start` (v1 through the route files). Both answer the same.
 */
export type Serving = "npm-start" | "next";

export function serverCommand(serving: Serving, port: number): { args: string[]; env: Record<string, string> } {
  if (serving === "next") return { args: ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], env: {} };
  return { args: ["dist/server.mjs"], env: { PORT: String(port), HOST: "127.0.0.1" } };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${output()}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not become healthy:\n${output()}`);
}

export type ProvisionedDatabase = {
  url: string;
  dataDir: string;
  /** VAULT_ROOT_KEY and NEXTAUTH_SECRET on PostgreSQL; the servers need them too. */
  secrets: Record<string, string>;
  drop: () => Promise<void>;
};

/**
 * A fresh database that this process points at (DATABASE_URL, DATA_DIR),
 * migrated and with its keyring, for servers started on it afterwards.
 */
export async function provisionTestDatabase(provider: Provider, dataDirPrefix = "dv-http-"): Promise<ProvisionedDatabase> {
  const db = await createTestDatabase(provider);
  const dataDir = mkdtempSync(path.join(tmpdir(), dataDirPrefix));
  process.env.DATABASE_URL = db.url;
  process.env.DATA_DIR = dataDir;
  process.env.VAULT_LOG ??= "off";
  // Production on PostgreSQL requires these from the environment; SQLite
  // keeps the embedded default (generated files in DATA_DIR).
  const secrets: Record<string, string> =
    provider === "postgres"
      ? { VAULT_ROOT_KEY: randomBytes(32).toString("base64"), NEXTAUTH_SECRET: randomBytes(32).toString("base64") }
      : {};
  if (provider === "postgres") Object.assign(process.env, secrets);
  else delete process.env.VAULT_ROOT_KEY;
  resetProcessSingletons();
  resetConfigForTests();
  await closeDb();
  await prepareDatabase();
  await ensureKeyring();
  return {
    url: db.url,
    dataDir,
    secrets,
    drop: async () => {
      await closeDb();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Points this process back at a server's database and data directory (after
 * another startTestServer provisioned one of its own): the connection, the
 * configuration and the root-key-derived caches (keyring, server-key hash
 * key) all follow.
 */
export async function useServerDatabase(server: Pick<TestServer, "databaseUrl" | "dataDir">): Promise<void> {
  process.env.DATABASE_URL = server.databaseUrl;
  process.env.DATA_DIR = server.dataDir;
  await closeDb();
  resetProcessSingletons();
  resetConfigForTests();
}

/**
 * A fresh database, provisioned in-process (migrations, keyring), then the
 * production server serving it (`npm start`'s by default). Call the services from the test to add
 * projects and keys: they write to the same database.
 */
export async function startTestServer(provider: Provider, env: Record<string, string> = {}, serving: Serving = "npm-start"): Promise<TestServer> {
  const { url: databaseUrl, dataDir, secrets, drop } = await provisionTestDatabase(provider);

  let child: ChildProcess;
  let out = "";
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const launch = async (extra: Record<string, string>) => {
    out = "";
    const command = serverCommand(serving, port);
    child = spawn(process.execPath, command.args, {
      env: {
        ...command.env,
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        VAULT_LOG: "on",
        ...secrets,
        ...env,
        ...extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    await waitForHealth(url, child, () => out);
  };
  const halt = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  await launch({});
  return {
    provider,
    serving,
    url,
    databaseUrl,
    dataDir,
    get pid() {
      return child.pid!;
    },
    logs: () => out,
    restart: async (extra = {}) => {
      await halt();
      await launch(extra);
    },
    stop: async () => {
      await halt();
      await drop();
    },
  };
}
