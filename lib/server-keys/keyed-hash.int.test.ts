// Server-key hashes keyed by the root key, on real SQLite and PostgreSQL
// (issue 10, finding 5: "one inserted row with the SHA-256 of a chosen token
// read and overwrote entries"). A row written straight into the database
// authenticates nothing; keys made before the change keep working without
// being re-issued (migration 0002 re-keys them, once); a legacy-format row
// written after that is never converted; a root-key rotation re-keys every
// hash, and revokes rows it cannot re-key.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase, describeEachProvider, postgresReachable, type Provider } from "@/test/providers";
import { makeProject, TEST_ACTOR } from "@/test/fixtures";
import { closeDb, getDb } from "@/lib/db/client";
import { parseDatabaseUrl } from "@/lib/db/database-url";
import { migrate, migrationsDir } from "@/lib/db/migrate";
import { resetConfigForTests } from "@/lib/config";
import { resetProcessSingletons } from "@/lib/singleton";
import { prepareDatabase } from "@/lib/startup";
import { ensureKeyring, rotateRootKey } from "@/lib/vault/keyring";
import { authenticate } from "./authenticate";
import { createServerKey } from "./service";
import { newToken } from "./token";

const sha256hex = (s: string) => createHash("sha256").update(s).digest("hex");
const bearer = (t: string) => `Bearer ${t}`;
const unauthenticated = { code: "UNAUTHENTICATED" };

/** What a database writer without the root key can do: insert a key row of their own. */
async function insertRow(projectId: string, tokenHash: string, tokenDigest: Buffer | null = null): Promise<string> {
  const row = await getDb().serverKey.create({
    data: { projectId, name: "inserted", tokenHash, ...(tokenDigest ? { tokenDigest: tokenDigest as Uint8Array<ArrayBuffer> } : {}), displayPrefix: "dvk_xxxxxx" },
  });
  return row.id;
}

/** A restart of this process: caches and the root key read again. */
function restartWithRoot(rootKey: string): void {
  process.env.VAULT_ROOT_KEY = rootKey;
  resetProcessSingletons();
  resetConfigForTests();
}

describeEachProvider("keyed server-key hashes", () => {
  afterAll(() => {
    delete process.env.VAULT_ROOT_KEY;
  });

  it("the finding's payload: a row inserted with the SHA-256 of a chosen token authenticates nothing", async () => {
    const { project } = await makeProject();
    const chosen = newToken();
    await insertRow(project.id, sha256hex(chosen));
    await expect(authenticate(bearer(chosen))).rejects.toMatchObject(unauthenticated);
    // Nor with the prefix of the keyed format, nor a digest sealed without the root key.
    const other = newToken();
    await insertRow(project.id, `k1:${sha256hex(other)}`, randomBytes(61));
    await expect(authenticate(bearer(other))).rejects.toMatchObject(unauthenticated);
    // A real key, made through the service, works and is stored keyed.
    const { token, key } = await createServerKey(project.id, { name: "real", stores: null, readOnly: false }, TEST_ACTOR);
    expect(await authenticate(bearer(token))).toMatchObject({ keyId: key.id, projectId: project.id });
    const row = await getDb().serverKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.tokenHash).toMatch(/^k1:[0-9a-f]{64}$/);
    expect(row.tokenHash).not.toContain(sha256hex(token));
    expect(row.tokenDigest?.length).toBe(61);
  });

  it("a root-key rotation re-keys every hash: keys keep working under the new root key, rows it cannot re-key are revoked", async () => {
    const { project } = await makeProject();
    const oldRoot = randomBytes(32);
    const newRoot = randomBytes(32);
    // The describe block's database has its root key in a file; use explicit ones here.
    const { getRootKey } = await import("@/lib/vault/root-key");
    const fileRoot = getRootKey();
    await rotateRootKey(fileRoot, oldRoot);
    restartWithRoot(oldRoot.toString("base64"));
    const real = await createServerKey(project.id, { name: "real", stores: null, readOnly: true }, TEST_ACTOR);
    const realRow = await getDb().serverKey.findUniqueOrThrow({ where: { id: real.key.id } });
    // An attacker copies a real row's digest onto a row of their own: bound to its hash, it does not open there.
    const copied = await insertRow(project.id, `k1:${"ab".repeat(32)}`, Buffer.from(realRow.tokenDigest!));
    const legacy = newToken();
    const legacyId = await insertRow(project.id, sha256hex(legacy));

    const result = await rotateRootKey(oldRoot, newRoot);
    expect(result.serverKeysDisabled).toBe(2);
    expect(result.serverKeysRekeyed).toBeGreaterThanOrEqual(1);
    restartWithRoot(newRoot.toString("base64"));
    expect(await authenticate(bearer(real.token))).toMatchObject({ keyId: real.key.id, readOnly: true });
    await expect(authenticate(bearer(legacy))).rejects.toMatchObject(unauthenticated);
    const rows = await getDb().serverKey.findMany({ where: { id: { in: [copied, legacyId] } } });
    for (const r of rows) {
      expect(r.revokedAt).not.toBeNull();
      expect(r.tokenHash).toBe(`disabled:${r.id}`);
    }
    const rekeyed = await getDb().serverKey.findUniqueOrThrow({ where: { id: real.key.id } });
    expect(rekeyed.tokenHash).not.toBe(realRow.tokenHash);
    // Under the old root key, the same token now finds nothing.
    restartWithRoot(oldRoot.toString("base64"));
    await expect(authenticate(bearer(real.token))).rejects.toMatchObject(unauthenticated);
    restartWithRoot(newRoot.toString("base64"));
  });
});

// Migration 0002 on a database made by the previous version (0001 only).
async function legacyDatabase(provider: Provider) {
  const db = await createTestDatabase(provider);
  const target = parseDatabaseUrl({ DATABASE_URL: db.url });
  const oldRoot = mkdtempSync(path.join(tmpdir(), "dv-0001-"));
  const dir = provider === "sqlite" ? "sqlite" : "postgres";
  mkdirSync(path.join(oldRoot, "prisma", dir, "migrations"), { recursive: true });
  cpSync(path.join(migrationsDir(target.provider), "0001_init"), path.join(oldRoot, "prisma", dir, "migrations", "0001_init"), { recursive: true });
  await migrate(target, oldRoot);
  rmSync(oldRoot, { recursive: true, force: true });
  const dataDir = mkdtempSync(path.join(tmpdir(), "dv-data-"));
  process.env.DATABASE_URL = db.url;
  process.env.DATA_DIR = dataDir;
  process.env.VAULT_LOG ??= "off";
  await closeDb();
  return { target, drop: async () => (await closeDb(), await db.drop(), rmSync(dataDir, { recursive: true, force: true })) };
}

/** A project as version 0001 stored it (the current client knows columns 0001 lacks). */
async function insertLegacyProject(provider: Provider): Promise<{ id: string }> {
  const now = provider === "sqlite" ? "'2025-01-01T00:00:00.000+00:00'" : "'2025-01-01 00:00:00'";
  const userId = randomBytes(8).toString("hex");
  const id = randomBytes(8).toString("hex");
  const db = getDb();
  await db.$executeRawUnsafe(`INSERT INTO "User" ("id", "email") VALUES ('${userId}', 'u-${userId}@example.test')`);
  await db.$executeRawUnsafe(`INSERT INTO "Project" ("id", "name", "updatedAt") VALUES ('${id}', 'Legacy project', ${now})`);
  await db.$executeRawUnsafe(`INSERT INTO "ProjectMember" ("projectId", "userId", "role") VALUES ('${id}', '${userId}', 'owner')`);
  return { id };
}

/** A key row as version 0001 stored it: hex SHA-256, no digest column. */
async function insertLegacyKey(provider: Provider, projectId: string, token: string): Promise<void> {
  const now = provider === "sqlite" ? "'2025-01-01T00:00:00.000+00:00'" : "'2025-01-01 00:00:00'";
  const no = provider === "sqlite" ? "0" : "false";
  await getDb().$executeRawUnsafe(
    `INSERT INTO "ServerKey" ("id", "projectId", "name", "tokenHash", "displayPrefix", "readOnly", "createdAt") VALUES ('${randomBytes(8).toString("hex")}', '${projectId}', 'old key', '${sha256hex(token)}', 'dvk_abcdef', ${no}, ${now})`,
  );
}

const pgUp = await postgresReachable();
for (const provider of ["sqlite", "postgres"] as const) {
  describe.skipIf(provider === "postgres" && !pgUp)(`migration 0002 re-keys legacy server-key hashes [${provider}]`, () => {
    const saved = { url: process.env.DATABASE_URL, dataDir: process.env.DATA_DIR, root: process.env.VAULT_ROOT_KEY };
    afterAll(() => {
      Object.assign(process.env, { DATABASE_URL: saved.url, DATA_DIR: saved.dataDir });
      if (saved.root === undefined) delete process.env.VAULT_ROOT_KEY;
      else process.env.VAULT_ROOT_KEY = saved.root;
      resetProcessSingletons();
      resetConfigForTests();
    });

    it("keys made before keep working without re-issue; a legacy row inserted afterwards is never converted", async () => {
      const { target, drop } = await legacyDatabase(provider);
      try {
        const root = randomBytes(32).toString("base64");
        restartWithRoot(root);
        await ensureKeyring();
        const project = await insertLegacyProject(provider);
        const before = newToken();
        await insertLegacyKey(provider, project.id, before);

        const applied = await migrate(target);
        // 0002 first, then the rest of today's migrations.
        const later = readdirSync(migrationsDir(target.provider)).filter((id) => id !== "0001_init").sort();
        expect(applied.applied).toEqual(later);
        expect(later[0]).toBe("0002_rewrap_quarantine_keyed_key_hashes");
        restartWithRoot(root);
        expect(await authenticate(bearer(before))).toMatchObject({ projectId: project.id });
        const row = await getDb().serverKey.findFirstOrThrow({ where: { projectId: project.id } });
        expect(row.tokenHash).toMatch(/^k1:/);
        expect(row.tokenDigest).not.toBeNull();

        // The attack after the upgrade: a legacy-format row, then a restart (migrations, keyring).
        const chosen = newToken();
        await insertLegacyKey(provider, project.id, chosen);
        await expect(authenticate(bearer(chosen))).rejects.toMatchObject(unauthenticated);
        restartWithRoot(root);
        await prepareDatabase();
        await ensureKeyring();
        await expect(authenticate(bearer(chosen))).rejects.toMatchObject(unauthenticated);
        expect(await getDb().serverKey.count({ where: { tokenHash: sha256hex(chosen) } })).toBe(1);
        expect(await authenticate(bearer(before))).toMatchObject({ projectId: project.id });
      } finally {
        await drop();
      }
    });

    it("refuses a root key that does not match the keyring, and one that is missing, changing nothing", async () => {
      const { target, drop } = await legacyDatabase(provider);
      try {
        restartWithRoot(randomBytes(32).toString("base64"));
        await ensureKeyring();
        const project = await insertLegacyProject(provider);
        const token = newToken();
        await insertLegacyKey(provider, project.id, token);
        await closeDb();

        restartWithRoot(randomBytes(32).toString("base64"));
        await expect(migrate(target)).rejects.toThrow(/root key does not match the keyring/);
        delete process.env.VAULT_ROOT_KEY;
        resetConfigForTests();
        await expect(migrate(target)).rejects.toThrow(/needs the root key/);
        const rows = await getDb().$queryRawUnsafe<{ id: string }[]>(`SELECT "id" FROM "_vault_migrations"`);
        expect(rows.map((r) => r.id)).toEqual(["0001_init"]);
        expect(await getDb().$queryRawUnsafe<unknown[]>(`SELECT 1 FROM "ServerKey" WHERE "tokenHash" = '${sha256hex(token)}'`)).toHaveLength(1);
      } finally {
        await drop();
      }
    });
  });
}
