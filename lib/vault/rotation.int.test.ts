// Master-key rotation and the rewrap job on real SQLite and PostgreSQL:
// new writes move to the new primary, the rewrap moves old data keys in
// resumable batches without disturbing concurrent reads and writes, two
// processes never both run it, and old versions retire when unreferenced.
import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { getEntry, putEntry, batchSet } from "./entries";
import { clearKeyringCache, getPrimaryKey, listMasterKeys, rotateMasterKey } from "./keyring";
import { getRewrapStatus, runRewrap } from "./rewrap";

const versionsInUse = async () =>
  (await getDb().entry.groupBy({ by: ["masterKeyVersion"], _count: { _all: true } })).map((g) => g.masterKeyVersion).sort();

describeEachProvider("rotation and rewrap", (provider) => {
  it("rotates, rewraps in resumable batches, and retires the old version", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const keys = Array.from({ length: 120 }, keyHash);
    for (let i = 0; i < keys.length; i += 60) {
      await batchSet(project.id, "s1", keys.slice(i, i + 60).map((key) => ({ key, value: `value-${key}`, expiresAt: null })));
    }
    const before = (await getPrimaryKey()).version;
    const { version } = await rotateMasterKey(TEST_ACTOR);
    expect(version).toBe(before + 1);
    expect((await getPrimaryKey()).version).toBe(version);
    const fresh = keyHash();
    await putEntry(project.id, "s1", fresh, { value: "after-rotation", expiresAt: null });
    expect((await getDb().entry.findFirstOrThrow({ where: { keyHash: fresh } })).masterKeyVersion).toBe(version);
    // Old entries still read before any rewrap.
    expect((await getEntry(project.id, "s1", keys[0]!)).value).toBe(`value-${keys[0]}`);

    // A first run stops after two batches, as a crash would leave it: no
    // process holds its lease, so it says "stalled", not "running".
    await runRewrap({ batchSize: 25, maxBatches: 2 });
    let status = await getRewrapStatus();
    expect(status).toMatchObject({ state: "stalled", processed: 50, total: 120, targetVersion: version });
    expect(await versionsInUse()).toEqual([before, version]);
    // Resumed: continues from its cursor, not from the start.
    const progress: number[] = [];
    expect(await runRewrap({ batchSize: 25, retireAfterMs: 0, onProgress: (p) => progress.push(p.processed) })).toBe(true);
    expect(progress[0]).toBe(75);
    status = await getRewrapStatus();
    expect(status).toMatchObject({ state: "done", processed: 120 });
    expect(await versionsInUse()).toEqual([version]);
    const keyring = await listMasterKeys();
    expect(keyring.find((k) => k.version === before)).toMatchObject({ state: "retired", entryCount: 0 });
    expect(keyring.find((k) => k.version === version)).toMatchObject({ state: "primary", entryCount: 121 });
    clearKeyringCache();
    for (const k of keys.slice(0, 10)) expect((await getEntry(project.id, "s1", k)).value).toBe(`value-${k}`);
  });

  it("reads and writes never fail while the rewrap runs", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const keys = Array.from({ length: 100 }, keyHash);
    await batchSet(project.id, "s1", keys.map((key) => ({ key, value: `v0-${key}`, expiresAt: null })));
    const expected = new Map(keys.map((k) => [k, `v0-${k}`]));
    await rotateMasterKey(TEST_ACTOR);
    let stop = false;
    const failures: unknown[] = [];
    const traffic = (async () => {
      for (let i = 0; !stop; i++) {
        // Requests arrive through I/O; a loop of pure microtasks would
        // starve the rewrap's own I/O, as no real client can.
        await new Promise((r) => setImmediate(r));
        const k = keys[i % keys.length]!;
        try {
          if (i % 3 === 0) {
            await putEntry(project.id, "s1", k, { value: `v${i}-${k}`, expiresAt: null });
            expected.set(k, `v${i}-${k}`);
          } else {
            const got = await getEntry(project.id, "s1", k);
            if (got.value !== expected.get(k)) failures.push(`wrong value for ${k}`);
          }
        } catch (error) {
          failures.push(error);
        }
      }
    })();
    await runRewrap({ batchSize: 7, retireAfterMs: 0 });
    stop = true;
    await traffic;
    expect(failures).toEqual([]);
    for (const k of keys) expect((await getEntry(project.id, "s1", k)).value).toBe(expected.get(k));
    expect(await versionsInUse()).toEqual([(await getPrimaryKey()).version]);
  });

  it("two processes running the rewrap at once: one holds the lease, every entry ends on the primary", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const keys = Array.from({ length: 300 }, keyHash);
    for (let i = 0; i < keys.length; i += 100) {
      await batchSet(project.id, "s1", keys.slice(i, i + 100).map((key) => ({ key, value: `x-${key}`, expiresAt: null })));
    }
    const { version: target } = await rotateMasterKey(TEST_ACTOR);
    // Every entry in the database (earlier tests' too) is now under an old version.
    const toMove = await getDb().entry.count({ where: { masterKeyVersion: { lt: target } } });
    expect(toMove).toBeGreaterThanOrEqual(300);
    const run = () =>
      new Promise<{ ran: boolean; processed: number }>((resolve, reject) => {
        const child = spawn("npx", ["tsx", "--conditions=react-server", "test/scripts/run-rewrap.ts"], {
          env: { ...process.env, BATCH: "5", VAULT_LOG: "off" },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => {
          const line = out.trim().split("\n").pop() ?? "";
          if (code !== 0) reject(new Error(`exit ${code}: ${err.slice(-500)}`));
          else resolve(JSON.parse(line));
        });
      });
    const results = await Promise.all([run(), run()]);
    // At most one did the work at a time; between them, all of it.
    expect(results.some((r) => r.ran)).toBe(true);
    // The lease serialises them: whichever ran second found nothing left,
    // so the work was done exactly once.
    expect(results[0]!.processed + results[1]!.processed, JSON.stringify(results)).toBe(toMove);
    const primary = (await getPrimaryKey()).version;
    expect(await versionsInUse()).toEqual([primary]);
    clearKeyringCache();
    for (const k of keys.slice(0, 20)) expect((await getEntry(project.id, "s1", k)).value).toBe(`x-${k}`);
    expect(provider).toBeTruthy();
  }, 120_000);
});

describeEachProvider("rotation with a stale root key", () => {
  it("refuses to add a master key wrapped by a root key the keyring no longer uses", async () => {
    const { rotateRootKey } = await import("./keyring");
    const { getRootKey } = await import("./root-key");
    const { randomBytes } = await import("node:crypto");
    await getPrimaryKey();
    const before = await listMasterKeys();
    expect(before.length).toBeGreaterThan(0);
    // Another instance rotated the root key; this one still holds the old one.
    await rotateRootKey(getRootKey(), randomBytes(32));
    await expect(rotateMasterKey(TEST_ACTOR)).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await listMasterKeys()).toHaveLength(before.length);
  });
});

describeEachProvider("automatic rotation by policy", () => {
  it("rotates when the primary has wrapped too many data keys, or is too old", async () => {
    const { applyRotationPolicy } = await import("./jobs");
    const { flushWrapCounts } = await import("./keyring");
    const { resetConfigForTests } = await import("@/lib/config");
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const start = (await getPrimaryKey()).version;
    process.env.VAULT_ROTATE_AFTER_WRAPS = "5";
    resetConfigForTests();
    try {
      await applyRotationPolicy();
      expect((await getPrimaryKey()).version).toBe(start); // 0 wraps so far
      await batchSet(project.id, "s1", Array.from({ length: 6 }, () => ({ key: keyHash(), value: "v", expiresAt: null })));
      await flushWrapCounts();
      await applyRotationPolicy();
      clearKeyringCache();
      const after = (await getPrimaryKey()).version;
      expect(after).toBe(start + 1);
      // The policy's rewrap moved the six entries off the old version.
      expect(await getDb().entry.count({ where: { masterKeyVersion: { lt: after } } })).toBe(0);
      // Age: a primary older than the limit is rotated too.
      delete process.env.VAULT_ROTATE_AFTER_WRAPS;
      process.env.VAULT_ROTATE_AFTER_DAYS = "1";
      resetConfigForTests();
      await getDb().masterKey.update({ where: { version: after }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } });
      await applyRotationPolicy();
      clearKeyringCache();
      expect((await getPrimaryKey()).version).toBe(after + 1);
    } finally {
      delete process.env.VAULT_ROTATE_AFTER_WRAPS;
      delete process.env.VAULT_ROTATE_AFTER_DAYS;
      resetConfigForTests();
    }
  });
});
