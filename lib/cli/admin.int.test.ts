// The admin CLI as an operator runs it: one child process per command, on a
// fresh SQLite and a fresh PostgreSQL database. Entries are written in this
// process through the real service (same DATA_DIR, so the same root key).
import { execFileSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { cli, type Json } from "@/test/cli";
import { describeEachProvider } from "@/test/providers";
import { keyHash, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { resetProcessSingletons } from "@/lib/singleton";
import { authenticate } from "@/lib/server-keys/authenticate";
import { TOKEN_PATTERN } from "@/lib/server-keys/token";
import { getEntry, putEntry } from "@/lib/vault/entries";
import { createStore, deleteStore } from "@/lib/vault/stores";
import { rotateRootKey } from "@/lib/vault/keyring";
import { acquireLease, releaseLease } from "@/lib/vault/lease";

const ROOT = path.resolve(import.meta.dirname, "../..");

// Compiled once here, before the commands below run it in parallel.
beforeAll(() => {
  execFileSync(process.execPath, ["scripts/build-cli.mjs", "--if-stale"], { cwd: ROOT, stdio: "pipe" });
});

const newRootKey = () => randomBytes(32).toString("base64");
const dataDir = () => process.env.DATA_DIR!;
const rootFile = () => path.join(dataDir(), "root.key");
const mode = (file: string) => statSync(file).mode & 0o777;

describeEachProvider("admin CLI", (provider) => {
  const state = { projectId: "", keys: [] as string[], values: new Map<string, string>() };

  it("names a missing project in one line: PROJECT_NOT_FOUND, exit 1", async () => {
    const badProject = await cli(["store", "list", "--project", "no-such-project", "--json"]);
    expect(badProject.code, badProject.stderr).toBe(1);
    expect(badProject.json.error).toEqual({ code: "PROJECT_NOT_FOUND", message: 'no project with id or name "no-such-project" (see project list)' });
  });

  it.runIf(provider === "sqlite")("rejects bad usage and configuration with a clear message, a non-zero exit and the JSON error shape", async () => {
    const [none, unknown, missing, badOption, help, badUrl, badUrlJson, short, noYes] = await Promise.all([
      cli([]),
      cli(["frobnicate", "--json"]),
      cli(["store", "create", "--project", "x", "--json"]),
      cli(["purge", "--bogus"]),
      cli(["--help"]),
      cli(["purge"], { env: { DATABASE_URL: "mysql://db/vault" } }),
      cli(["purge", "--json"], { env: { DATABASE_URL: "mysql://db/vault" } }),
      cli(["user", "create", "--email", "dave@example.com", "--password-stdin", "--json"], { input: "short" }),
      cli(["store", "delete", "--project", "p", "--id", "s2", "--json"]),
    ]);
    expect(none.code, none.stderr + none.stdout).toBe(2);
    expect(none.stderr).toContain("missing a command");
    expect(unknown.code, unknown.stderr + unknown.stdout).toBe(2);
    expect(unknown.json).toEqual({ error: { code: "USAGE", message: expect.stringContaining('unknown command "frobnicate"') } });
    expect(missing.code, missing.stderr + missing.stdout).toBe(2);
    expect(missing.json.error).toEqual({ code: "USAGE", message: "missing --id" });
    expect(badOption.code, badOption.stderr + badOption.stdout).toBe(2);
    expect(badOption.stderr.trim()).toMatch(/^error: Unknown option '--bogus'/);
    expect(badOption.stdout).toBe("");
    expect(help.code, help.stderr + help.stdout).toBe(0);
    for (const name of ["user create", "key create", "rewrap", "root-key rotate", "counts reconcile", "purge"]) expect(help.stdout).toContain(name);
    expect(badUrl.code, badUrl.stderr + badUrl.stdout).toBe(1);
    expect(badUrl.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^data-vault: cannot start: DATABASE_URL: unsupported scheme/)]);
    expect(badUrlJson.code, badUrlJson.stderr + badUrlJson.stdout).toBe(1);
    expect(badUrlJson.json.error.code).toBe("CONFIG");
    expect(short.code, short.stderr).toBe(1);
    expect(short.json.error).toEqual({ code: "INVALID_REQUEST", message: "--password: Use at least 12 characters." });
    expect(noYes.code, noYes.stderr).toBe(2);
    expect(noYes.json.error.message).toContain("add --yes to confirm");
  }, 120_000); // nine CLI processes at once

  // About twenty CLI processes, a few at a time: 120 s leaves room for a slow, shared machine.
  it("creates accounts, a project, stores and a server key whose token is printed once and works", async () => {
    const password = "correct horse battery staple";
    const alice = await cli(["user", "create", "--email", "Alice@Example.com", "--password-stdin", "--json"], { input: `${password}\n` });
    expect(alice.code, alice.stderr + alice.stdout).toBe(0);
    // The first account is not an admin by itself any more (only --admin or the setup link).
    expect(alice.json.user).toMatchObject({ email: "alice@example.com", isAdmin: false });
    expect(alice.stdout + alice.stderr).not.toContain(password);
    const stored = await getDb().user.findUnique({ where: { email: "alice@example.com" } });
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);

    const [bob, noOwner] = await Promise.all([
      cli(["user", "create", "--email", "bob@example.com", "--password-stdin", "--admin"], { input: password }),
      cli(["project", "create", "--name", "Acme", "--owner", "nobody@example.com", "--json"]),
    ]);
    expect(bob.code, bob.stderr).toBe(0);
    expect(bob.stdout).toMatch(/^Created user bob@example.com \(id \w+\), instance admin\.\n$/);
    expect((await getDb().user.findUnique({ where: { email: "bob@example.com" } }))?.isAdmin).toBe(true);
    expect(noOwner.json.error.code).toBe("NOT_FOUND");

    const project = await cli(["project", "create", "--name", "Acme", "--owner", "alice@example.com", "--json"]);
    expect(project.code, project.stderr + project.stdout).toBe(0);
    const projectId: string = project.json.project.id;
    state.projectId = projectId;

    // By name and by id.
    const [s1, s2, badStore] = await Promise.all([
      cli(["store", "create", "--project", "Acme", "--id", "s1", "--name", "OAuth tokens", "--json"]),
      cli(["store", "create", "--project", projectId, "--id", "s2", "--json"]),
      cli(["store", "create", "--project", "Acme", "--id", "bad id!", "--json"]),
    ]);
    expect(s1.json.store).toMatchObject({ id: "s1", displayName: "OAuth tokens", entryCount: 0 });
    expect(s2.json.store).toMatchObject({ id: "s2", displayName: "s2" });
    expect(badStore.json.error.code).toBe("INVALID_REQUEST");

    const created = await cli(["key", "create", "--project", "Acme", "--name", "ci", "--stores", "s1", "--read-only", "--json"]);
    expect(created.code, created.stderr + created.stdout).toBe(0);
    const token: string = created.json.token;
    expect(token).toMatch(TOKEN_PATTERN);
    const grant = await authenticate(`Bearer ${token}`);
    expect(grant).toMatchObject({ keyId: created.json.key.id, projectId, readOnly: true, audit: false });
    expect([...grant.stores!]).toEqual(["s1"]);
    // The audit permission: read-only keys lack it unless granted; the CLI is the actor.
    const auditor = await cli(["key", "create", "--project", "Acme", "--name", "auditor", "--read-only", "--audit", "--json"]);
    expect(auditor.json.key).toMatchObject({ readOnly: true, audit: true });
    expect((await cli(["key", "create", "--project", "Acme", "--name", "x", "--audit", "--no-audit", "--json"])).json.error.code).toBe("USAGE");
    const made = await getDb().auditEvent.findFirst({ where: { action: "server_key.create", target: { startsWith: auditor.json.key.id } } });
    expect(made).toMatchObject({ actorType: "cli", actorId: "cli", projectId, target: `${auditor.json.key.id} (read+audit)` });
    await cli(["key", "revoke", "--project", "Acme", "--id", auditor.json.key.id, "--json"]);
    const row = await getDb().serverKey.findUnique({ where: { id: created.json.key.id } });
    // Stored keyed by the root key (docs/formats.md), never the plain SHA-256.
    expect(row?.tokenHash).toMatch(/^k1:[0-9a-f]{64}$/);
    expect(row?.tokenHash).not.toContain(createHash("sha256").update(token).digest("hex"));

    const [keys, keysText, projects, stores, typo] = await Promise.all([
      cli(["key", "list", "--project", "Acme", "--json"]),
      cli(["key", "list", "--project", projectId]),
      cli(["project", "list", "--json"]),
      cli(["store", "list", "--project", "Acme"]),
      cli(["key", "create", "--project", "Acme", "--name", "x", "--stores", "s1,nope", "--json"]),
    ]);
    expect(keys.json.keys).toEqual([
      expect.objectContaining({ name: "auditor", audit: true, revokedAt: expect.any(String) }),
      expect.objectContaining({ name: "ci", displayPrefix: token.slice(0, 10), stores: ["s1"], revokedAt: null }),
    ]);
    for (const out of [keys, keysText]) expect(out.stdout).not.toContain(token);
    expect(keysText.stdout).toMatch(/^ID\s+NAME\s+PREFIX/);
    expect(projects.json.projects).toEqual([expect.objectContaining({ id: projectId, name: "Acme", owners: ["alice@example.com"], storeCount: 2 })]);
    expect(stores.stdout).toMatch(/^STORE\s+NAME\s+ENTRIES/);
    expect(stores.stdout).toMatch(/s1\s+OAuth tokens\s+0/);
    expect(typo.json.error).toEqual({ code: "STORE_NOT_FOUND", message: 'no store "nope" in project "Acme"' });

    const revoked = await cli(["key", "revoke", "--project", "Acme", "--id", created.json.key.id, "--json"]);
    expect(revoked.json).toMatchObject({ revoked: true });
    expect((await getDb().serverKey.findUnique({ where: { id: created.json.key.id } }))?.revokedAt).not.toBeNull();

    // store show: live entries per secret generation.
    await createStore(projectId, { storeId: "gens", displayName: "Generations" }, TEST_ACTOR);
    await putEntry(projectId, "gens", keyHash(), { value: "v2.a", expiresAt: null, generation: "uuYKpKNK" });
    await putEntry(projectId, "gens", keyHash(), { value: "v2.b", expiresAt: null, generation: "uuYKpKNK" });
    await putEntry(projectId, "gens", keyHash(), { value: "v1.c", expiresAt: null });
    const [shown, shownText, noStore] = await Promise.all([
      cli(["store", "show", "--project", "Acme", "--id", "gens", "--json"]),
      cli(["store", "show", "--project", projectId, "--id", "gens"]),
      cli(["store", "show", "--project", "Acme", "--id", "nope", "--json"]),
    ]);
    expect(shown.code, shown.stderr + shown.stdout).toBe(0);
    expect(shown.json.store).toMatchObject({ id: "gens", entryCount: 3, generations: [{ id: "uuYKpKNK", entryCount: 2 }, { id: null, entryCount: 1 }] });
    expect(shownText.stdout).toContain("3 live entries");
    expect(shownText.stdout).toMatch(/GENERATION\s+ENTRIES\nuuYKpKNK\s+2\nunknown\s+1/);
    expect(noStore.code).toBe(1);
    expect(noStore.json.error).toEqual({ code: "STORE_NOT_FOUND", message: 'no store "nope" in project "Acme"' });
    await deleteStore(projectId, "gens", TEST_ACTOR); // the tests below count every entry

    // s2 holds an entry: deleting needs --yes and erases it.
    await putEntry(projectId, "s2", keyHash(), { value: "v", expiresAt: null });
    const deleted = await cli(["store", "delete", "--project", "Acme", "--id", "s2", "--yes", "--json"]);
    expect(deleted.json).toMatchObject({ storeId: "s2", erasedEntries: 1 });

    // A second project with the same name makes the name ambiguous.
    await cli(["project", "create", "--name", "Acme", "--owner", "bob@example.com"]);
    const ambiguous = await cli(["store", "list", "--project", "Acme", "--json"]);
    expect(ambiguous.json.error.code).toBe("CONFLICT");
  }, 180_000); // a dozen CLI processes, each several seconds on a loaded machine

  it("root-key rotate: the new key reads everything, the old key fails with one line, an interrupted rotation resumes", async () => {
    const { projectId, values } = state;
    for (let i = 0; i < 6; i++) {
      const k = keyHash();
      values.set(k, `ciphertext-${i}`);
      await putEntry(projectId, "s1", k, { value: `ciphertext-${i}`, expiresAt: null });
    }
    const soon = new Date(Date.now() + 1_500);
    for (let i = 0; i < 2; i++) await putEntry(projectId, "s1", keyHash(), { value: "short-lived", expiresAt: soon });
    // Rotated here so that by the rewrap below the old version can retire without a wait.
    const rotatedMaster = await cli(["master-key", "rotate", "--json"]);
    expect(rotatedMaster.json).toEqual({ version: 2 });

    const oldKey = readFileSync(rootFile(), "utf8").trim();
    const newKey = newRootKey();
    const wrongFile = path.join(dataDir(), "wrong.key");
    writeFileSync(wrongFile, newRootKey(), { mode: 0o600 });
    const wrong = await cli(["root-key", "rotate", "--old-key-file", wrongFile, "--new-key-stdin", "--json"], { input: newKey });
    expect(wrong.code, wrong.stderr + wrong.stdout).toBe(1);
    expect(wrong.json.error).toEqual({ code: "INVALID_REQUEST", message: "master key v1 is not wrapped by the old root key given" });
    const notBase64 = await cli(["root-key", "rotate", "--new-key-stdin", "--json"], { input: "hunter2" });
    expect(notBase64.json.error.code).toBe("CONFIG");
    expect(notBase64.stdout).not.toContain("hunter2");

    const rotated = await cli(["root-key", "rotate", "--new-key-stdin", "--write-key-file", "--json"], { input: `${newKey}\n` });
    expect(rotated.code, rotated.stderr + rotated.stdout).toBe(0);
    expect(rotated.json).toMatchObject({ resumed: false, rewrapped: 2, rootKeyFile: rootFile() });
    expect(rotated.stdout + rotated.stderr).not.toContain(newKey);
    expect(readFileSync(rootFile(), "utf8").trim()).toBe(newKey);
    expect(readFileSync(`${rootFile()}.old`, "utf8").trim()).toBe(oldKey);
    expect([mode(rootFile()), mode(`${rootFile()}.old`)]).toEqual([0o600, 0o600]);
    expect(existsSync(`${rootFile()}.new`)).toBe(false);

    const [withNew, withOld] = await Promise.all([
      cli(["master-key", "list", "--json"]),
      cli(["master-key", "list"], { env: { VAULT_ROOT_KEY: oldKey } }),
    ]);
    expect(withNew.code, withNew.stderr + withNew.stdout).toBe(0);
    expect(withOld.code, withOld.stderr + withOld.stdout).toBe(1);
    expect(withOld.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^data-vault: cannot start: master key version 2 is wrapped by another root key/)]);
    expect(withOld.stdout).toBe("");

    resetProcessSingletons(); // this process reads root.key again
    for (const [k, v] of values) expect((await getEntry(projectId, "s1", k)).value).toBe(v);

    // A crash after the database update, before the file swap.
    const third = newRootKey();
    writeFileSync(`${rootFile()}.new`, `${third}\n`, { mode: 0o600 });
    await rotateRootKey(Buffer.from(newKey, "base64"), Buffer.from(third, "base64"));
    expect((await cli(["purge"])).stderr).toMatch(/^data-vault: cannot start: .*another root key/);
    const resumed = await cli(["root-key", "rotate", "--write-key-file", "--json"]);
    expect(resumed.json).toMatchObject({ resumed: true, rewrapped: 0 });
    expect(readFileSync(rootFile(), "utf8").trim()).toBe(third);
    expect(readFileSync(`${rootFile()}.old`, "utf8").trim()).toBe(newKey);

    // A crash before the database update leaves a stale file the next run discards.
    writeFileSync(`${rootFile()}.new`, `${newRootKey()}\n`, { mode: 0o600 });
    const fourth = newRootKey();
    const fourthFile = path.join(dataDir(), "fourth.key");
    writeFileSync(fourthFile, fourth, { mode: 0o600 });
    const again = await cli(["root-key", "rotate", "--new-key-file", fourthFile, "--write-key-file", "--json"]);
    expect(again.json).toMatchObject({ resumed: false, rewrapped: 2 });
    expect(readFileSync(rootFile(), "utf8").trim()).toBe(fourth);
    resetProcessSingletons();
  }, 180_000); // about ten CLI processes one after another: a second or more each alone, several on a loaded machine

  it("after master-key rotate, rewrap moves every entry to the new version and retires the old one", async () => {
    const { projectId, values } = state;
    const db = getDb();
    expect(await db.entry.count({ where: { masterKeyVersion: 1 } })).toBe(8);

    // Another instance holds the lease: says so, changes nothing, exit 0.
    expect(await acquireLease("rewrap", 30_000, "another-instance")).toBe(true);
    const busy = await cli(["rewrap", "--json"]);
    await releaseLease("rewrap", "another-instance");
    expect(busy.code, busy.stderr + busy.stdout).toBe(0);
    expect(busy.json).toMatchObject({ ran: false, reason: "LEASE_HELD" });

    const run = await cli(["rewrap", "--batch-size", "3"]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toContain("rewrap: 8/8 (100%)");
    expect(run.stdout).toContain("Rewrapped 8 entries to master key v2.");
    expect(run.stdout).toContain("Retired v1.");
    expect(await db.entry.count({ where: { masterKeyVersion: { not: 2 } } })).toBe(0);

    const [list, again] = await Promise.all([cli(["master-key", "list", "--json"]), cli(["rewrap", "--json"])]);
    expect(list.json.masterKeys.map((k: Json) => [k.version, k.state, k.entryCount])).toEqual([
      [2, "primary", 8],
      [1, "retired", 0],
    ]);
    expect(again.json).toMatchObject({ ran: true, processed: 0, remaining: 0, retired: [] });
    for (const [k, v] of values) expect((await getEntry(projectId, "s1", k)).value).toBe(v);
  }, 120_000); // CLI processes, and the rewrap may wait out the retirement grace period

  it("counts reconcile reports drift made by hand and --fix repairs it; purge deletes expired entries", async () => {
    await getDb().$executeRawUnsafe(`UPDATE "Store" SET "entryCount" = 42 WHERE "storeId" = 's1'`);
    const found = await cli(["counts", "reconcile", "--json"]);
    expect(found.code, found.stderr + found.stdout).toBe(3);
    expect(found.json).toEqual({
      drift: [{ projectId: state.projectId, projectName: "Acme", storeId: "s1", recorded: 42, actual: 8 }],
      fixed: false,
    });
    const fixed = await cli(["counts", "reconcile", "--fix"]);
    expect(fixed.code, fixed.stderr + fixed.stdout).toBe(0);
    expect(fixed.stdout).toMatch(/s1\s+42\s+8/);
    expect(fixed.stdout).toContain("Fixed 1 store.");
    const clean = await cli(["counts", "reconcile", "--json"]);
    expect(clean.code, clean.stderr + clean.stdout).toBe(0);
    expect(clean.json).toEqual({ drift: [], fixed: false });

    // The two short-lived entries expired long ago.
    const purged = await cli(["purge", "--json"]);
    expect(purged.json).toEqual({ purged: 2 });
    const [stores, afterPurge] = await Promise.all([cli(["store", "list", "--project", state.projectId, "--json"]), cli(["counts", "reconcile", "--json"])]);
    expect(stores.json.stores[0]).toMatchObject({ id: "s1", entryCount: 6 });
    expect(afterPurge.code, afterPurge.stderr + afterPurge.stdout).toBe(0);
  }, 120_000); // six CLI processes
});
