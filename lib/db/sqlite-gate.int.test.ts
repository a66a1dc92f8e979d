// The SQLite serving connection does not run WAL checkpoints itself (they
// include an fsync and stalled every request for 100 ms or more during a
// rewrap); a worker thread with its own connection does, in the background.
// Checked on a real database: the connection's automatic checkpoint is off,
// rows reach the database file without anyone on the main thread
// checkpointing, and closing the client stops the thread.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb, getSqliteConnection } from "./client";
import { resetConfigForTests } from "@/lib/config";
import { prepareDatabase } from "@/lib/startup";
import { resetProcessSingletons } from "@/lib/singleton";

const saved = { url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR };
let dir: string;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "dv-ckpt-"));
  file = path.join(dir, "vault.db");
  process.env.DATABASE_URL = `file:${file}`;
  process.env.DATA_DIR = dir;
  process.env.VAULT_LOG ??= "off";
  resetProcessSingletons();
  resetConfigForTests();
  await closeDb();
  await prepareDatabase();
});
afterAll(async () => {
  await closeDb();
  rmSync(dir, { recursive: true, force: true });
  process.env.DATABASE_URL = saved.url;
  process.env.DATA_DIR = saved.dataDir;
  resetConfigForTests();
});

describe("SQLite checkpoints off the serving connection", () => {
  it("the serving connection does not checkpoint; the worker moves the WAL into the database file", async () => {
    const gate = await getSqliteConnection();
    expect(Number(await gate.runExclusive((c) => c.pragma("wal_autocheckpoint", { simple: true })))).toBe(0);
    const before = statSync(file).size;
    const db = getDb();
    const project = await db.project.create({ data: { name: "ckpt" } });
    // About 4 MB of rows, written on the main thread only.
    const big = "x".repeat(4000);
    for (let i = 0; i < 10; i++) {
      await db.auditEvent.createMany({ data: Array.from({ length: 100 }, (_, j) => ({ id: `${String(i).padStart(12, "0")}${String(j).padStart(16, "0")}`, actorType: "system", projectId: project.id, action: "test", target: `${i}-${j}-${big}` })) });
    }
    // The worker checkpoints every 250 ms; on a busy shared disk its fsync may
    // take seconds: wait up to 30 s.
    let grew = false;
    for (let i = 0; i < 300 && !grew; i++) {
      await new Promise((r) => setTimeout(r, 100));
      grew = statSync(file).size > before + 2_000_000;
    }
    expect(grew, `database file ${statSync(file).size} bytes, was ${before}`).toBe(true);
  });

  it("closing the client stops the checkpointing thread (the process is not kept alive)", async () => {
    // Stopping waits at most 2 s for the thread, then terminates it; a thread
    // that kept closeDb waiting would wait forever. 15 s leaves room for a
    // final checkpoint on a loaded machine.
    const started = Date.now();
    await closeDb();
    expect(Date.now() - started).toBeLessThan(15_000);
    // A new client starts a new one and works.
    expect(await getDb().project.count()).toBe(1);
  });
});

// Another process on the same file (the admin CLI next to the server): a
// Prisma transaction that reads and then writes must not fail because the
// other process committed in between. Under SQLite's deferred BEGIN, such a
// transaction's first write gets SQLITE_BUSY at once (its snapshot is
// stale; no busy timeout helps), which the CLI's `master-key rotate` hit
// under traffic in the adversarial compromise test. Transactions begin
// IMMEDIATE: they hold the write lock from the start, and the other
// process waits for it instead.
describe("transactions against another connection on the same file", () => {
  it("a read-then-write transaction holds the write lock from its start", async () => {
    const db = getDb();
    const other = new Database(file, { timeout: 0 });
    try {
      let otherWrite: string | null = null;
      await db.$transaction(async (tx) => {
        await tx.project.count();
        try {
          other.prepare(`INSERT INTO "Project" ("id", "name", "createdAt", "updatedAt") VALUES ('other-process', 'other', '2026-01-01T00:00:00.000+00:00', '2026-01-01T00:00:00.000+00:00')`).run();
          otherWrite = "committed";
        } catch (error) {
          otherWrite = (error as { code?: string }).code ?? String(error);
        }
        await tx.project.create({ data: { name: "after the other process" } });
      });
      // The other connection was made to wait (here: refused at once, its timeout being 0).
      expect(otherWrite).toBe("SQLITE_BUSY");
      expect(await db.project.count({ where: { name: "after the other process" } })).toBe(1);
      // Once the transaction is over, the other connection writes.
      other.prepare(`INSERT INTO "Project" ("id", "name", "createdAt", "updatedAt") VALUES ('other-process', 'other', '2026-01-01T00:00:00.000+00:00', '2026-01-01T00:00:00.000+00:00')`).run();
      expect(await db.project.count({ where: { id: "other-process" } })).toBe(1);
    } finally {
      other.close();
    }
  });
});
