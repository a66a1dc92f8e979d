// End to end (issue 4): the packed SDK, installed into a scratch app outside
// this repository, runs examples/github-token.mjs against the real server
// (`next start`, production build) on SQLite and on PostgreSQL. Afterwards
// the stored data and the server's output are scanned byte-wise for the
// logical key, the token (UTF-8, hex, base64), both app secrets and the
// server key: none may appear.
//
// Needs a production build first (`next build`). The build folder is
// Next's default `.next`, or E2E_NEXT_DIST_DIR (e.g. `.next-bench`).
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, postgresReachable, type FreshDatabase, type Provider } from "../../bench/lib/databases";
import { freePort, runSetup, startServer, type RunningServer } from "../../bench/lib/server";

const root = path.resolve(import.meta.dirname, "..", "..");
// The app that is served (and whose bench/setup.ts prepares the database):
// this checkout unless E2E_APP_DIR names another (e.g. a clean snapshot).
const appDir = process.env.E2E_APP_DIR ? path.resolve(process.env.E2E_APP_DIR) : root;
const distDir = process.env.E2E_NEXT_DIST_DIR || undefined;
const buildId = path.join(appDir, distDir ?? ".next", "BUILD_ID");

const npmEnv: NodeJS.ProcessEnv = { ...process.env, npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
delete npmEnv.NODE_OPTIONS;

let scratch: string;

beforeAll(() => {
  if (!existsSync(buildId)) {
    throw new Error(`no production build at ${path.dirname(buildId)}: run \`next build\` first (or set E2E_NEXT_DIST_DIR)`);
  }
  // The SDK exactly as a user gets it: `npm pack` (its prepack builds
  // sdk/dist), installed from the tarball into an app of its own.
  scratch = mkdtempSync(path.join(tmpdir(), "dv-e2e-app-"));
  const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", scratch], { cwd: path.join(root, "sdk"), env: npmEnv, encoding: "utf8" })
    .trim()
    .split("\n")
    .pop()!;
  writeFileSync(path.join(scratch, "package.json"), JSON.stringify({ name: "dv-e2e-app", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-save", "--offline", path.join(scratch, packed)], { cwd: scratch, env: npmEnv, stdio: "pipe" });
  copyFileSync(path.join(root, "examples", "github-token.mjs"), path.join(scratch, "github-token.mjs"));
}, 120_000);

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Everything that must never reach the database or a log, in every encoding checked. */
function needles(m: { key: string; userId: string; token: string; oldSecret: string; newSecret: string; serverKey: string }) {
  const list: Array<[string, Buffer]> = [];
  const add = (name: string, text: string) => list.push([name, Buffer.from(text, "utf8")]);
  add("logical key", m.key);
  add("user id", m.userId);
  add("token", m.token);
  add("APP_SECRET", m.oldSecret);
  add("APP_SECRET_NEXT", m.newSecret);
  add("server key", m.serverKey);
  // The token's bytes as hex (how PostgreSQL dumps bytea) and base64 /
  // base64url at each of the three byte alignments it could start at.
  const bytes = Buffer.from(m.token, "utf8");
  add("token hex", bytes.toString("hex"));
  add("token HEX", bytes.toString("hex").toUpperCase());
  for (let shift = 0; shift < 3; shift++) {
    const enc = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    const core = enc.slice(4 * Math.ceil(shift / 3), 4 * Math.floor((shift + bytes.length) / 3));
    add(`token base64 (shift ${shift})`, core);
    add(`token base64url (shift ${shift})`, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  for (const [name, secret] of [["APP_SECRET", m.oldSecret], ["APP_SECRET_NEXT", m.newSecret], ["server key", m.serverKey]] as const) {
    add(`${name} hex`, Buffer.from(secret, "utf8").toString("hex"));
  }
  return list;
}

function hits(haystack: Buffer, list: Array<[string, Buffer]>): string[] {
  return list.filter(([, needle]) => haystack.includes(needle)).map(([name]) => name);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

const pgUp = await postgresReachable();
if (!pgUp && process.env.CI === "true") throw new Error("PostgreSQL is not reachable (CI=true: failing instead of skipping)");

describe.each(["sqlite", "postgres"] as Provider[])("github-token example with the packed SDK [%s]", (provider) => {
  const run = provider === "postgres" && !pgUp ? it.skip : it;
  let db: FreshDatabase | undefined;
  let server: RunningServer | undefined;

  afterAll(async () => {
    await server?.stop("SIGKILL");
    await db?.drop();
  });

  run("stores, reads, rotates and deletes; nothing readable reaches the database or the logs", async () => {
    db = await freshDatabase(provider, "dv-e2e");
    const setup = runSetup(appDir, db.env, ["--store", "oauth-tokens"]);
    const port = await freePort(3340 + Math.floor(Math.random() * 40), 3399);
    server = await startServer({ appDir, distDir, port, env: { ...db.env, VAULT_LOG: "on" } });

    const marker = randomBytes(6).toString("hex");
    const m = {
      userId: `user${marker}`,
      key: `gh:user${marker}`,
      token: `ghr_MARKER${marker}${randomBytes(18).toString("hex")}`,
      oldSecret: `old-secret-MARKER-${marker}-${randomBytes(16).toString("hex")}`,
      newSecret: `new-secret-MARKER-${marker}-${randomBytes(16).toString("hex")}`,
      serverKey: setup.token,
    };
    const script = spawnSync(process.execPath, ["github-token.mjs"], {
      cwd: scratch,
      env: {
        PATH: process.env.PATH ?? "",
        NODE_ENV: "production",
        DATA_VAULT_URL: server.url,
        DATA_VAULT_SERVER_KEY: m.serverKey,
        APP_SECRET: m.oldSecret,
        APP_SECRET_NEXT: m.newSecret,
        GITHUB_USER_ID: m.userId,
        GITHUB_REFRESH_TOKEN: m.token,
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    const out = script.stdout + script.stderr;
    expect(script.status, out).toBe(0);
    expect(script.stdout).toContain(`1. stored the refresh token under ${m.key} in store oauth-tokens`);
    expect(script.stdout).toContain("2. read it back with APP_SECRET: matches");
    expect(script.stdout).toContain("3. rotation started: APP_SECRET_NEXT alone finds nothing yet");
    expect(script.stdout).toContain("4. read with { secret: APP_SECRET_NEXT, previousSecrets: [APP_SECRET] }: matches");
    expect(script.stdout).toContain("5. read with APP_SECRET_NEXT alone: matches");
    expect(script.stdout).toContain("6. APP_SECRET alone no longer finds it");
    expect(script.stdout).toContain(`7. deleted ${m.key}`);
    expect(script.stdout).toContain("8. reading it again returns null: gone");
    expect(script.stdout).toContain("done: all steps behaved as documented");

    // The store really was used (through the API, not just the script's word).
    const info = await fetch(`${server.url}/api/v1/stores/oauth-tokens`, { headers: { authorization: `Bearer ${m.serverKey}` } });
    expect(info.status).toBe(200);
    expect(((await info.json()) as { entryCount: number }).entryCount).toBe(0);

    const code = await server.stop("SIGTERM");
    expect(code, "server did not stop on SIGTERM").not.toBeNull();
    const serverOutput = server.output();
    server = undefined;
    expect(serverOutput).toMatch(/"msg":"listening"|Ready/); // the capture works

    const list = needles(m);
    // The script's own output names the key but never the token or a secret.
    expect(hits(Buffer.from(out), list.filter(([n]) => n !== "logical key" && n !== "user id"))).toEqual([]);
    expect(hits(Buffer.from(serverOutput), list), "server stdout/stderr").toEqual([]);

    if (provider === "sqlite") {
      // The database file and its -wal/-shm companions, byte by byte (and
      // every other file the server wrote in its data directory).
      const files = filesUnder(db.dataDir);
      expect(files).toContain(db.file!);
      let scanned = 0;
      let sawStore = false;
      for (const file of files) {
        const bytes = readFileSync(file);
        scanned += bytes.length;
        sawStore ||= bytes.includes("oauth-tokens");
        expect(hits(bytes, list), file).toEqual([]);
      }
      expect(scanned).toBeGreaterThan(4096);
      expect(sawStore, "positive control: the store id is stored in plain text, so the scan reads real content").toBe(true);
    } else {
      const dump = execFileSync("pg_dump", ["--no-owner", "--dbname", db.url], { maxBuffer: 256 * 1024 * 1024 });
      expect(dump.toString("utf8")).toContain("ServerKey"); // a real dump of the app's tables
      expect(dump.includes("oauth-tokens"), "positive control: the store row is in the dump").toBe(true);
      expect(hits(dump, list), "pg_dump").toEqual([]);
    }
  }, 90_000);
});

// A scratch dir check that needs no server: the scan itself finds what it
// should (a scan that cannot find anything proves nothing).
describe("the byte scan", () => {
  it("finds each needle kind when it is present", () => {
    const m = { key: "gh:u1", userId: "u1", token: "ghr_MARKERabcdef0123456789", oldSecret: "s-old-000000000000000000000000000", newSecret: "s-new-000000000000000000000000000", serverKey: "dvk_xyz" };
    const list = needles(m);
    const dir = mkdtempSync(path.join(tmpdir(), "dv-scan-"));
    try {
      mkdirSync(path.join(dir, "sub"));
      const token = Buffer.from(m.token);
      writeFileSync(path.join(dir, "sub", "a.bin"), Buffer.concat([randomBytes(7), Buffer.from("xx" + Buffer.concat([Buffer.from("z"), token]).toString("base64"))]));
      writeFileSync(path.join(dir, "b.txt"), `\\x${token.toString("hex")}`);
      const found = filesUnder(dir).flatMap((f) => hits(readFileSync(f), list));
      expect(found).toContain("token base64 (shift 1)");
      expect(found).toContain("token hex");
      expect(hits(Buffer.from(`k=${m.key};${m.newSecret}`), list)).toEqual(expect.arrayContaining(["logical key", "APP_SECRET_NEXT"]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
