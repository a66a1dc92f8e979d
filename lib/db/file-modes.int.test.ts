// The embedded database's files are the owner's only (issue 10, finding 6:
// "The SQLite file is created 0644"): a new database file is 0600 and so
// are the -wal and -shm files SQLite makes next to it; a new folder is 0700;
// an existing data directory and database left readable by others are
// tightened.
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { migrate } from "./migrate";
import { parseDatabaseUrl } from "./database-url";

const mode = (p: string) => statSync(p).mode & 0o777;
const cleanup: string[] = [];
const saved = process.env.DATA_DIR;
afterEach(() => {
  process.env.DATA_DIR = saved;
  while (cleanup.length) rmSync(cleanup.pop()!, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "dv-modes-"));
  cleanup.push(dir);
  return dir;
}

describe("SQLite file modes", () => {
  it("a new database in the data directory: file 0600, its -wal and -shm 0600, the directory 0700", async () => {
    const dir = scratch();
    chmodSync(dir, 0o755);
    process.env.DATA_DIR = dir;
    const target = parseDatabaseUrl({ DATA_DIR: dir });
    await migrate(target);
    expect(mode(dir)).toBe(0o700);
    expect(mode(target.provider === "sqlite" ? target.file : "")).toBe(0o600);
    // A server's connection: WAL mode makes the -wal and -shm files.
    const file = path.join(dir, "vault.db");
    const db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.exec(`INSERT INTO "Lease" ("name", "holder", "expiresAt") VALUES ('t', 'h', '2030-01-01T00:00:00.000+00:00')`);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(`${file}-shm`)).toBe(0o600);
    db.close();
  });

  it("a database elsewhere gets a 0700 folder of its own; an existing 0644 file is tightened", async () => {
    const root = scratch();
    chmodSync(root, 0o755);
    process.env.DATA_DIR = path.join(root, "data");
    const file = path.join(root, "elsewhere", "nested", "v.db");
    await migrate(parseDatabaseUrl({ DATABASE_URL: `file:${file}` }));
    expect(mode(path.dirname(file))).toBe(0o700);
    expect(mode(file)).toBe(0o600);

    const old = path.join(root, "old.db");
    writeFileSync(old, "");
    chmodSync(old, 0o644);
    writeFileSync(`${old}-wal`, "");
    chmodSync(`${old}-wal`, 0o664);
    await migrate(parseDatabaseUrl({ DATABASE_URL: `file:${old}` }));
    expect(mode(old)).toBe(0o600);
    if (existsSync(`${old}-wal`)) expect(mode(`${old}-wal`)).toBe(0o600);
    // The folder is not the data directory and existed already: left as it was.
    expect(mode(root)).toBe(0o755);
  });
});
