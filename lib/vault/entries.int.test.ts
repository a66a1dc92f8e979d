// The entry service on real SQLite and real PostgreSQL: versions,
// check-and-set, expiry, batches, counts, store isolation and deletion.
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, sleepUntil, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { resetConfigForTests } from "@/lib/config";
import { batchGet, batchSet, deleteEntry, getEntry, purgeExpired, putEntry, reconcileCounts } from "./entries";
import { createStore, deleteStore, getStore } from "./stores";

describeEachProvider("entries", () => {
  it("writes, reads, versions and deletes an entry, moving the count", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    expect(await putEntry(project.id, "s1", k, { value: "ct-1", expiresAt: null })).toEqual({ version: 1, created: true });
    expect(await putEntry(project.id, "s1", k, { value: "ct-2", expiresAt: null })).toEqual({ version: 2, created: false });
    const e = await getEntry(project.id, "s1", k);
    expect(e).toMatchObject({ value: "ct-2", version: 2, expiresAt: null });
    expect(e.createdAt <= e.updatedAt).toBe(true);
    expect((await getStore(project.id, "s1")).entryCount).toBe(1);
    await deleteEntry(project.id, "s1", k);
    await expect(getEntry(project.id, "s1", k)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    await expect(deleteEntry(project.id, "s1", k)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    expect((await getStore(project.id, "s1")).entryCount).toBe(0);
  });

  it("check-and-set: ifVersion 0 means absent; a mismatch changes nothing", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    await putEntry(project.id, "s1", k, { value: "a", expiresAt: null, ifVersion: 0 });
    await expect(putEntry(project.id, "s1", k, { value: "b", expiresAt: null, ifVersion: 0 })).rejects.toMatchObject({ code: "VERSION_CONFLICT", status: 409 });
    await expect(putEntry(project.id, "s1", k, { value: "b", expiresAt: null, ifVersion: 5 })).rejects.toMatchObject({ code: "VERSION_CONFLICT" });
    expect(await getEntry(project.id, "s1", k)).toMatchObject({ value: "a", version: 1 });
    expect(await putEntry(project.id, "s1", k, { value: "c", expiresAt: null, ifVersion: 1 })).toEqual({ version: 2, created: false });
    await expect(deleteEntry(project.id, "s1", k, 1)).rejects.toMatchObject({ code: "VERSION_CONFLICT" });
    await deleteEntry(project.id, "s1", k, 2);
  });

  it("an expired entry is absent everywhere, counts exclude it, and purge deletes it", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    const soon = new Date(Date.now() + 1_500);
    await putEntry(project.id, "s1", k, { value: "short-lived", expiresAt: soon });
    await putEntry(project.id, "s1", keyHash(), { value: "forever", expiresAt: null });
    expect((await getEntry(project.id, "s1", k)).expiresAt).toBe(soon.toISOString());
    await sleepUntil(soon);
    await expect(getEntry(project.id, "s1", k)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    expect((await batchGet(project.id, "s1", [k]))[k]).toBeNull();
    expect((await getStore(project.id, "s1")).entryCount).toBe(1);
    // Writing over an expired entry makes a new one.
    const again = new Date(Date.now() + 1_500);
    expect(await putEntry(project.id, "s1", k, { value: "again", expiresAt: again, ifVersion: 0 })).toEqual({ version: 1, created: true });
    await sleepUntil(again);
    expect(await purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await getDb().entry.count({ where: { keyHash: k } })).toBe(0);
    expect((await getStore(project.id, "s1")).entryCount).toBe(1);
    expect(await reconcileCounts(false)).toEqual([]);
  });

  it("batch-set is atomic and batch-get maps misses to null", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const [a, b, c] = [keyHash(), keyHash(), keyHash()];
    await putEntry(project.id, "s1", a, { value: "old-a", expiresAt: null });
    expect(await batchSet(project.id, "s1", [{ key: a, value: "A", expiresAt: null }, { key: b, value: "B", expiresAt: null }])).toEqual({ [a]: 2, [b]: 1 });
    const got = await batchGet(project.id, "s1", [a, b, c]);
    expect(got[a]).toMatchObject({ value: "A", version: 2 });
    expect(got[b]).toMatchObject({ value: "B", version: 1 });
    expect(got[c]).toBeNull();
    expect((await getStore(project.id, "s1")).entryCount).toBe(2);
    await expect(batchSet(project.id, "nope", [{ key: c, value: "C", expiresAt: null }])).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
  });

  it("stores are isolated, per project too, and a deleted store leaves nothing readable", async () => {
    const { project } = await makeProject();
    const { project: other } = await makeProject("other");
    await makeStoreAndKey(project.id, "s1");
    await createStore(project.id, { storeId: "s2", displayName: "S2" }, TEST_ACTOR);
    await createStore(other.id, { storeId: "s1", displayName: "other s1" }, TEST_ACTOR);
    const k = keyHash();
    await putEntry(project.id, "s1", k, { value: "secret-ct", expiresAt: null });
    await expect(getEntry(project.id, "s2", k)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    await expect(getEntry(other.id, "s1", k)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    await expect(getEntry(other.id, "s2", k)).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
    await expect(createStore(project.id, { storeId: "s1", displayName: "dup" }, TEST_ACTOR)).rejects.toMatchObject({ code: "STORE_EXISTS", status: 409 });
    expect(await deleteStore(project.id, "s1", TEST_ACTOR)).toEqual({ erasedEntries: 1 });
    await expect(getEntry(project.id, "s1", k)).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
    await createStore(project.id, { storeId: "s1", displayName: "again" }, TEST_ACTOR);
    await expect(getEntry(project.id, "s1", k)).rejects.toMatchObject({ code: "ENTRY_NOT_FOUND" });
    expect((await getStore(project.id, "s1")).entryCount).toBe(0);
    expect(await getDb().entry.count({ where: { keyHash: k } })).toBe(0);
  });

  it("concurrent writers: every write lands as its own version and the count stays exact", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const keys = Array.from({ length: 5 }, keyHash);
    const writes = Array.from({ length: 60 }, (_, i) => putEntry(project.id, "s1", keys[i % 5]!, { value: `v${i}`, expiresAt: null }));
    const results = await Promise.all(writes);
    for (let j = 0; j < 5; j++) {
      const versions = results.filter((_, i) => i % 5 === j).map((r) => r.version).sort((x, y) => x - y);
      expect(versions).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    }
    expect((await getStore(project.id, "s1")).entryCount).toBe(5);
    // Check-and-set from many writers at once: exactly one wins each version.
    const k = keys[0]!;
    const cas = await Promise.allSettled(Array.from({ length: 10 }, () => putEntry(project.id, "s1", k, { value: "x", expiresAt: null, ifVersion: 12 })));
    expect(cas.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await reconcileCounts(false)).toEqual([]);
  });

  it("a batch answer over the size limit is refused before any blob is read; large ones under it are served", async () => {
    const saved = { value: process.env.VAULT_MAX_VALUE_SIZE, answer: process.env.VAULT_MAX_BATCH_RESPONSE_BYTES };
    process.env.VAULT_MAX_VALUE_SIZE = "400000";
    process.env.VAULT_MAX_BATCH_RESPONSE_BYTES = "1300000"; // about 3 of these values
    resetConfigForTests();
    try {
      const { project } = await makeProject();
      await makeStoreAndKey(project.id, "s1");
      const keys = Array.from({ length: 5 }, () => keyHash());
      await batchSet(project.id, "s1", keys.map((key, i) => ({ key, value: String(i).repeat(400_000), expiresAt: null })));
      await expect(batchGet(project.id, "s1", keys)).rejects.toMatchObject({ code: "RESPONSE_TOO_LARGE", status: 413 });
      // Over 1 MiB but under the limit: served (through the limiter).
      const three = await batchGet(project.id, "s1", keys.slice(0, 3));
      expect(Object.values(three).map((e) => e?.value.length)).toEqual([400_000, 400_000, 400_000]);
      // Expired entries do not count toward the answer.
      const soon = new Date(Date.now() + 1_500);
      await putEntry(project.id, "s1", keys[3]!, { value: "x".repeat(400_000), expiresAt: soon });
      await putEntry(project.id, "s1", keys[4]!, { value: "y".repeat(400_000), expiresAt: soon });
      await sleepUntil(soon);
      const all = await batchGet(project.id, "s1", keys);
      expect(Object.values(all).filter((e) => e !== null)).toHaveLength(3);
    } finally {
      for (const [name, v] of [["VAULT_MAX_VALUE_SIZE", saved.value], ["VAULT_MAX_BATCH_RESPONSE_BYTES", saved.answer]] as const) {
        if (v === undefined) delete process.env[name];
        else process.env[name] = v;
      }
      resetConfigForTests();
    }
  });
});

