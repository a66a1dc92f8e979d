// The "leaked root key" procedure (docs/operations.md), run with the real
// admin CLI on real SQLite and PostgreSQL (issue 10, finding 8: root-key
// rotation re-wrapped the same master keys and retired ones stayed in the
// database, so an old root key plus a new backup opened everything).
// Before: the old root key opens every entry of a backup. After root-key
// rotate, master-key rotate, rewrap (with one damaged entry, quarantined
// and accepted) and master-key purge: the old root key opens nothing in a
// new backup, even together with the master keys it opened from the old
// backup; the new root key reads everything as before.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { cli } from "@/test/cli";
import { NOTHING, openMasterKeys, reach, takeBackup } from "@/test/compromise";
import { getDb } from "@/lib/db/client";
import { resetConfigForTests } from "@/lib/config";
import { resetProcessSingletons } from "@/lib/singleton";
import { authenticate } from "@/lib/server-keys/authenticate";
import { batchSet, getEntry } from "./entries";
import { ensureKeyring, listMasterKeys, rotateMasterKey } from "./keyring";
import { getRootKey } from "./root-key";

describeEachProvider("leaked root key: the recovery procedure", (provider) => {
  it("after root-key rotate, master-key rotate, rewrap and purge, an old root key plus a new backup opens nothing", async () => {
    await ensureKeyring();
    const { project } = await makeProject();
    const { token } = await makeStoreAndKey(project.id, "leak");
    const keys = Array.from({ length: 40 }, keyHash);
    await batchSet(project.id, "leak", keys.map((key) => ({ key, value: `secret-${key}`, expiresAt: null })));
    // A second master-key version in use, as a real keyring would have.
    await rotateMasterKey(TEST_ACTOR);
    await batchSet(project.id, "leak", keys.slice(0, 10).map((key) => ({ key, value: `secret2-${key}`, expiresAt: null })));
    const expected = new Map(keys.map((k, i) => [k, i < 10 ? `secret2-${k}` : `secret-${k}`]));
    // One damaged row: the procedure must get past it.
    const storeRef = (await getDb().store.findFirstOrThrow({ where: { projectId: project.id, storeId: "leak" } })).id;
    const damaged = keys[25]!;
    const row = await getDb().entry.findUniqueOrThrow({ where: { storeRef_keyHash: { storeRef, keyHash: damaged } } });
    const flipped = Buffer.from(row.wrappedKey);
    flipped[30]! ^= 0x10;
    await getDb().entry.update({ where: { storeRef_keyHash: { storeRef, keyHash: damaged } }, data: { wrappedKey: flipped } });
    expected.delete(damaged);

    const oldRoot = getRootKey();
    const oldBackup = await takeBackup();
    const before = reach(oldBackup, oldRoot, { tokens: [token] });
    // The leak: the old root key opens everything in a backup.
    expect(before.masterKeysOpened).toBe(2);
    expect(before.valuesOpened).toBe(keys.length - 1);
    expect(before.tokenHashesReproduced).toBe(1);
    const stolenMasterKeys = openMasterKeys(oldBackup, oldRoot);

    // 1. A new root key. On PostgreSQL as an operator with VAULT_ROOT_KEY does; on SQLite, the key file.
    const newRootB64 = randomBytes(32).toString("base64");
    const env: Record<string, string> = {};
    if (provider === "postgres") {
      const file = path.join(process.env.DATA_DIR!, "new-root.key");
      writeFileSync(file, `${newRootB64}\n`, { mode: 0o600 });
      env.VAULT_ROOT_KEY = oldRoot.toString("base64");
      const rotated = await cli(["root-key", "rotate", "--new-key-file", file, "--json"], { env });
      expect(rotated.code, rotated.stderr + rotated.stdout).toBe(0);
      expect(rotated.json).toMatchObject({ rewrapped: 2, serverKeysRekeyed: 1, serverKeysDisabled: 0 });
      env.VAULT_ROOT_KEY = newRootB64;
    } else {
      const rotated = await cli(["root-key", "rotate", "--generate", "--write-key-file", "--json"]);
      expect(rotated.code, rotated.stderr + rotated.stdout).toBe(0);
      expect(rotated.json).toMatchObject({ rewrapped: 2, serverKeysRekeyed: 1, serverKeysDisabled: 0 });
    }
    // 2. A new master key, wrapped only by the new root key.
    const master = await cli(["master-key", "rotate", "--json"], { env });
    expect(master.code, master.stderr + master.stdout).toBe(0);
    const newVersion: number = master.json.version;
    // 3. Rewrap: the damaged entry is quarantined (exit 3), the others move; the admin accepts it.
    const rewrap = await cli(["rewrap", "--json"], { env });
    expect(rewrap.code, rewrap.stderr + rewrap.stdout).toBe(3);
    expect(rewrap.json.quarantined).toEqual([expect.objectContaining({ storeRef, keyHash: damaged, masterKeyVersion: row.masterKeyVersion })]);
    expect(rewrap.json.awaitingConfirmation).toEqual([row.masterKeyVersion]);
    const retire = await cli(["master-key", "retire", "--version", String(row.masterKeyVersion), "--yes", "--json"], { env });
    expect(retire.code, retire.stderr + retire.stdout).toBe(0);
    // 4. Purge every retired master key.
    const purge = await cli(["master-key", "purge", "--yes", "--json"], { env });
    expect(purge.code, purge.stderr + purge.stdout).toBe(0);
    expect([...purge.json.purged].sort()).toEqual([...stolenMasterKeys.keys()].sort());

    // The new backup, against the old root key and everything it opened before.
    const newBackup = await takeBackup();
    expect(newBackup.masterKeys.map((k) => [k.version, k.state])).toEqual([[newVersion, "primary"]]);
    expect(reach(newBackup, oldRoot, { masterKeys: stolenMasterKeys, tokens: [token] })).toEqual(NOTHING);

    // The new root key reads every healthy entry, and the server key still works.
    const newRoot = provider === "postgres" ? Buffer.from(newRootB64, "base64") : Buffer.from(readFileSync(path.join(process.env.DATA_DIR!, "root.key"), "utf8").trim(), "base64");
    expect(reach(newBackup, newRoot, { tokens: [token] })).toMatchObject({ masterKeysOpened: 1, valuesOpened: keys.length - 1, tokenHashesReproduced: 1 });
    if (provider === "postgres") process.env.VAULT_ROOT_KEY = newRootB64;
    resetProcessSingletons();
    resetConfigForTests();
    try {
      for (const [k, v] of expected) expect((await getEntry(project.id, "leak", k)).value).toBe(v);
      await expect(getEntry(project.id, "leak", damaged)).rejects.toMatchObject({ code: "INTERNAL" });
      expect(await authenticate(`Bearer ${token}`)).toMatchObject({ projectId: project.id });
      expect((await listMasterKeys()).map((k) => k.version)).toEqual([newVersion]);
    } finally {
      delete process.env.VAULT_ROOT_KEY;
      resetProcessSingletons();
      resetConfigForTests();
    }
  }, 300_000);
});
