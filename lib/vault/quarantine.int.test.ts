// The rewrap heals around bad rows, on real SQLite and PostgreSQL (issue 10,
// finding 3: one bit flipped in one of 509 rows, and 0 of 509 moved, the
// old key never retired, the page said "running" forever, nobody said
// which row). Now: the bad row is quarantined (store and key hash, never
// data), every other row moves, the old version retires once an admin
// accepts the quarantined row, and a stalled or failed job says why.
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { batchSet, getEntry, putEntry, reconcileCounts } from "./entries";
import { clearKeyringCache, listMasterKeys, rotateMasterKey } from "./keyring";
import { acquireLease, releaseLease } from "./lease";
import { deleteQuarantined, inspectQuarantined, listQuarantine, purgeRetiredMasterKeys, quarantineSummary, retireWithQuarantine } from "./quarantine";
import { getRewrapStatus, runRewrap } from "./rewrap";

const flipBit = (blob: Uint8Array, byte: number, bit = 0) => {
  const b = Buffer.from(blob);
  b[byte]! ^= 1 << bit;
  return b;
};

async function seed(projectId: string, store: string, n: number): Promise<string[]> {
  const keys = Array.from({ length: n }, keyHash);
  for (let i = 0; i < n; i += 100) {
    await batchSet(projectId, store, keys.slice(i, i + 100).map((key) => ({ key, value: `value-${key}`, expiresAt: null })));
  }
  return keys;
}

const row = (storeRef: string, k: string) => getDb().entry.findUniqueOrThrow({ where: { storeRef_keyHash: { storeRef, keyHash: k } } });
const storeRefOf = async (projectId: string, storeId: string) => (await getDb().store.findFirstOrThrow({ where: { projectId, storeId } })).id;
const underVersion = (v: number) => getDb().entry.count({ where: { masterKeyVersion: v } });

describeEachProvider("rewrap quarantine", () => {
  it("one bit flipped in one row of 509: the 508 others move, the row is quarantined, the old key retires once an admin accepts it", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "q1");
    const keys = await seed(project.id, "q1", 509);
    const storeRef = await storeRefOf(project.id, "q1");
    const old = (await listMasterKeys()).find((k) => k.state === "primary")!.version;
    // Everything from earlier tests in this database moves too.
    const before = await getDb().entry.count();
    const bad = keys[271]!;
    const badRow = await row(storeRef, bad);
    // One bit in the middle of the wrapped data key's AES-GCM ciphertext.
    await getDb().entry.update({ where: { storeRef_keyHash: { storeRef, keyHash: bad } }, data: { wrappedKey: flipBit(badRow.wrappedKey, 25, 3) } });

    const { version } = await rotateMasterKey(TEST_ACTOR);
    expect(await runRewrap({ batchSize: 50, retireAfterMs: 0, pauseMs: 0 })).toBe(true);

    expect(await underVersion(version)).toBe(before - 1);
    expect(await underVersion(old)).toBe(1);
    const status = await getRewrapStatus();
    expect(status).toMatchObject({ state: "done", moved: before - 1, quarantined: 1, processed: before, targetVersion: version, reason: null });
    expect(status.quarantine).toMatchObject({ total: 1, unconfirmed: 1, byVersion: [{ version: old, count: 1, confirmed: 0 }] });
    expect(status.awaitingConfirmation).toEqual([old]);
    expect((await listMasterKeys()).find((k) => k.version === old)).toMatchObject({ state: "active", entryCount: 1 });

    const list = await listQuarantine();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ projectId: project.id, storeId: "q1", storeRef, keyHash: bad, version: 1, masterKeyVersion: old, confirmedAt: null });
    expect(list[0]!.reason).toMatch(/data key: authentication failed/);
    // The record holds where the row is and why, never its blobs.
    const record = await getDb().quarantinedEntry.findFirstOrThrow({ where: { keyHash: bad } });
    expect(Object.keys(record).sort()).toEqual(["confirmedAt", "foundAt", "keyHash", "masterKeyVersion", "reason", "storeRef", "version"]);

    const detail = await inspectQuarantined({ storeRef, keyHash: bad });
    expect(detail).toMatchObject({ opensNow: false, row: { wrappedKeyFormat: 1, wrappedKeyNamesVersion: old, masterKeyExists: true, masterKeyState: "active" } });
    expect(JSON.stringify(detail)).not.toContain("value-");

    // Every other entry reads; the bad one is refused, as before.
    clearKeyringCache();
    for (const k of [keys[0]!, keys[270]!, keys[272]!, keys[508]!]) expect((await getEntry(project.id, "q1", k)).value).toBe(`value-${k}`);
    await expect(getEntry(project.id, "q1", bad)).rejects.toMatchObject({ code: "INTERNAL" });

    // Another run has nothing to move and does not start a job over the quarantined row.
    const jobs = await getDb().rewrapJob.count();
    expect(await runRewrap({ retireAfterMs: 0 })).toBe(true);
    expect(await getDb().rewrapJob.count()).toBe(jobs);

    // Purge refuses while an unaccepted entry references the version (it is not retired yet: nothing to purge).
    expect(await purgeRetiredMasterKeys(TEST_ACTOR)).toEqual({ purged: [] });
    // Within seconds of the rotation a server may still write with the old key: refused.
    // (The rotation is dated now: the rewrap and reads above may take longer than
    // the grace period on a loaded machine.)
    await getDb().masterKey.update({ where: { version }, data: { createdAt: new Date() } });
    await expect(retireWithQuarantine(old, TEST_ACTOR)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("Try again in a few seconds") });
    await getDb().masterKey.update({ where: { version }, data: { createdAt: new Date(Date.now() - 60_000) } });
    expect(await retireWithQuarantine(old, TEST_ACTOR)).toEqual({ version: old, accepted: 1 });
    expect((await listMasterKeys()).find((k) => k.version === old)).toMatchObject({ state: "retired" });
    expect((await getRewrapStatus()).awaitingConfirmation).toEqual([]);
    expect(await purgeRetiredMasterKeys(TEST_ACTOR)).toEqual({ purged: expect.arrayContaining([old]) });
    expect(await getDb().masterKey.findUnique({ where: { version: old } })).toBeNull();
    expect((await inspectQuarantined({ storeRef, keyHash: bad })).row).toMatchObject({ masterKeyExists: false });

    // Deleting the quarantined entry moves the store's count with it.
    await deleteQuarantined({ storeRef, keyHash: bad }, TEST_ACTOR);
    await expect(getEntry(project.id, "q1", bad)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    expect(await listQuarantine()).toEqual([]);
    expect(await reconcileCounts(false)).toEqual([]);
    const audit = await getDb().auditEvent.findMany({ where: { action: { in: ["master_key.retire", "master_key.purge", "entry.quarantine_delete"] } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["entry.quarantine_delete", "master_key.purge", "master_key.retire"]);
  });

  it("damage anywhere in the wrapped key, or a version that disagrees with its row, is quarantined; purge refuses unaccepted rows", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "q2");
    const keys = await seed(project.id, "q2", 40);
    const storeRef = await storeRefOf(project.id, "q2");
    const old = (await listMasterKeys()).find((k) => k.state === "primary")!.version;
    const sample = await row(storeRef, keys[0]!);
    const len = sample.wrappedKey.length;
    // format byte, version header, nonce, ciphertext, tag.
    const positions = [0, 2, 4, 8, 20, 30, len - 10, len - 1];
    for (const [i, p] of positions.entries()) {
      const r = await row(storeRef, keys[i]!);
      await getDb().entry.update({ where: { storeRef_keyHash: { storeRef, keyHash: keys[i]! } }, data: { wrappedKey: flipBit(r.wrappedKey, p, i % 8) } });
    }
    const mismatched = keys[20]!;
    await getDb().entry.update({ where: { storeRef_keyHash: { storeRef, keyHash: mismatched } }, data: { masterKeyVersion: old - 1 >= 1 ? old - 1 : 0 } });
    const { version } = await rotateMasterKey(TEST_ACTOR);
    await runRewrap({ batchSize: 7, retireAfterMs: 0, pauseMs: 0 });
    const quarantined = new Set((await listQuarantine()).filter((q) => q.storeRef === storeRef).map((q) => q.keyHash));
    expect(quarantined).toEqual(new Set([...keys.slice(0, positions.length), mismatched]));
    for (const k of keys.slice(positions.length)) {
      if (k !== mismatched) expect((await row(storeRef, k)).masterKeyVersion).toBe(version);
    }
    // A retired version with an entry nobody accepted cannot be purged.
    await getDb().masterKey.updateMany({ where: { version: old }, data: { state: "retired" } });
    await expect(purgeRetiredMasterKeys(TEST_ACTOR)).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining(`v${old}`) });
    expect(await getDb().masterKey.findUnique({ where: { version: old } })).not.toBeNull();
    await getDb().masterKey.updateMany({ where: { version: old }, data: { state: "active" } });
    await expect(retireWithQuarantine(version, TEST_ACTOR)).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a quarantined entry the app rewrites is healed: its record no longer counts and the old version retires by itself", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "q3");
    const keys = await seed(project.id, "q3", 10);
    const storeRef = await storeRefOf(project.id, "q3");
    const r = await row(storeRef, keys[3]!);
    await getDb().entry.update({ where: { storeRef_keyHash: { storeRef, keyHash: keys[3]! } }, data: { wrappedKey: flipBit(r.wrappedKey, 30) } });
    const old = r.masterKeyVersion;
    await rotateMasterKey(TEST_ACTOR);
    await runRewrap({ retireAfterMs: 0, pauseMs: 0 });
    expect((await quarantineSummary()).byVersion.find((v) => v.version === old)?.count).toBe(1);
    // The app writes the entry again: a new row under the primary.
    await putEntry(project.id, "q3", keys[3]!, { value: "rewritten", expiresAt: null });
    expect((await quarantineSummary()).byVersion.find((v) => v.version === old)).toBeUndefined();
    expect(await listQuarantine()).not.toContainEqual(expect.objectContaining({ keyHash: keys[3] }));
    await runRewrap({ retireAfterMs: 0, pauseMs: 0 });
    expect((await listMasterKeys()).find((k) => k.version === old)).toMatchObject({ state: "retired" });
    expect(await getDb().quarantinedEntry.count({ where: { keyHash: keys[3]! } })).toBe(0);
    expect((await getEntry(project.id, "q3", keys[3]!)).value).toBe("rewritten");
  });

  it("a master key that does not open fails the job with the reason, changes nothing, and the job resumes once it is fixed", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "q4");
    await seed(project.id, "q4", 30);
    const old = (await listMasterKeys()).find((k) => k.state === "primary")!.version;
    const mk = await getDb().masterKey.findUniqueOrThrow({ where: { version: old } });
    await rotateMasterKey(TEST_ACTOR);
    await getDb().masterKey.update({ where: { version: old }, data: { wrappedKey: flipBit(mk.wrappedKey, 20) } });
    clearKeyringCache();
    const under = await underVersion(old);
    await expect(runRewrap({ retireAfterMs: 0, pauseMs: 0 })).rejects.toThrow(/master key v\d+ cannot be opened/);
    const failed = await getRewrapStatus();
    expect(failed.state).toBe("failed");
    expect(failed.reason).toMatch(new RegExp(`master key v${old} cannot be opened.*no entry was changed`));
    expect(await underVersion(old)).toBe(under);
    expect(await getDb().quarantinedEntry.count({ where: { masterKeyVersion: old } })).toBe(0);
    await getDb().masterKey.update({ where: { version: old }, data: { wrappedKey: mk.wrappedKey } });
    clearKeyringCache();
    await runRewrap({ retireAfterMs: 0, pauseMs: 0 });
    expect(await getRewrapStatus()).toMatchObject({ state: "done", reason: null });
    expect(await underVersion(old)).toBe(0);
  });

  it("never shows running when it is not: a job whose runner stopped is stalled, with the reason; progress has a rate", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "q5");
    await seed(project.id, "q5", 60);
    await rotateMasterKey(TEST_ACTOR);
    // Stops after two batches, as a crashed process would leave it (no lease).
    await runRewrap({ batchSize: 10, maxBatches: 2, pauseMs: 1 });
    const stalled = await getRewrapStatus();
    expect(stalled).toMatchObject({ state: "stalled", processed: 20, ratePerSecond: null });
    expect(stalled.reason).toMatch(/stopped.*resumes where it stopped/);
    const job = await getDb().rewrapJob.findFirstOrThrow({ orderBy: { startedAt: "desc" } });
    expect(job.ratePerSecond).toBeGreaterThan(0);
    // A live lease (another instance working on it) is "running", with rate and time left.
    expect(await acquireLease("rewrap", 30_000, "another-instance")).toBe(true);
    const running = await getRewrapStatus();
    expect(running.state).toBe("running");
    expect(running.ratePerSecond).toBeGreaterThan(0);
    expect(running.etaSeconds).toBeGreaterThanOrEqual(0);
    // While it holds the lease, this process does nothing.
    expect(await runRewrap()).toBe(false);
    await releaseLease("rewrap", "another-instance");
    await runRewrap({ retireAfterMs: 0, pauseMs: 0 });
    expect(await getRewrapStatus()).toMatchObject({ state: "done" });
  });
});
