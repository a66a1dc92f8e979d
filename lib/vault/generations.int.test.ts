// Secret-generation ids stored with entries and counted per store, and
// check-and-set in batches, on real SQLite and real PostgreSQL.
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, sleepUntil } from "@/test/fixtures";
import { batchGet, batchSet, deleteEntry, putEntry } from "./entries";
import { getStore } from "./stores";

describeEachProvider("secret generations", () => {
  it("counts live entries per generation; a write moves its entry; expired and deleted entries leave the counts", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const [a, b, c, d, e] = [keyHash(), keyHash(), keyHash(), keyHash(), keyHash()];
    await putEntry(project.id, "s1", a, { value: "v2.a", expiresAt: null, generation: "genA0001" });
    await putEntry(project.id, "s1", b, { value: "v2.b", expiresAt: null, generation: "genA0001" });
    await putEntry(project.id, "s1", c, { value: "v2.c", expiresAt: null, generation: "genB0002" });
    await putEntry(project.id, "s1", d, { value: "v1.d", expiresAt: null });
    const soon = new Date(Date.now() + 1_500);
    await putEntry(project.id, "s1", e, { value: "v2.e", expiresAt: soon, generation: "genA0001" });
    let store = await getStore(project.id, "s1");
    expect(store.generations).toEqual([
      { id: "genA0001", entryCount: 3 },
      { id: "genB0002", entryCount: 1 },
      { id: null, entryCount: 1 },
    ]);
    await sleepUntil(soon);
    // a moves to genB (a rotation rewrote it); d gets a generation on its next write.
    await putEntry(project.id, "s1", a, { value: "v2.a2", expiresAt: null, generation: "genB0002", ifVersion: 1 });
    await putEntry(project.id, "s1", d, { value: "v2.d2", expiresAt: null, generation: "genB0002" });
    await deleteEntry(project.id, "s1", c);
    store = await getStore(project.id, "s1");
    expect(store.generations).toEqual([
      { id: "genB0002", entryCount: 2 },
      { id: "genA0001", entryCount: 1 },
    ]);
    expect(store.generations.reduce((n, g) => n + g.entryCount, 0)).toBe(store.entryCount);
    // A write without a generation makes the entry's generation unknown again.
    await putEntry(project.id, "s1", b, { value: "v1.b2", expiresAt: null });
    expect((await getStore(project.id, "s1")).generations).toContainEqual({ id: null, entryCount: 1 });
  });

  it("batch-set: per-item ifVersion is all-or-nothing, and generations are stored", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const [a, b] = [keyHash(), keyHash()];
    expect(await batchSet(project.id, "s1", [
      { key: a, value: "v2.a", expiresAt: null, ifVersion: 0, generation: "gen00001" },
      { key: b, value: "v2.b", expiresAt: null, ifVersion: 0, generation: "gen00001" },
    ])).toEqual({ [a]: 1, [b]: 1 });
    // b conflicts: nothing is written, a included.
    await expect(batchSet(project.id, "s1", [
      { key: a, value: "v2.a2", expiresAt: null, ifVersion: 1, generation: "gen00002" },
      { key: b, value: "v2.b2", expiresAt: null, ifVersion: 0, generation: "gen00002" },
    ])).rejects.toMatchObject({ code: "VERSION_CONFLICT" });
    const read = await batchGet(project.id, "s1", [a, b]);
    expect(read[a]).toMatchObject({ value: "v2.a", version: 1 });
    expect(read[b]).toMatchObject({ value: "v2.b", version: 1 });
    expect((await getStore(project.id, "s1")).generations).toEqual([{ id: "gen00001", entryCount: 2 }]);
    expect(await batchSet(project.id, "s1", [
      { key: a, value: "v2.a2", expiresAt: null, ifVersion: 1, generation: "gen00002" },
      { key: b, value: "v2.b2", expiresAt: null, generation: "gen00002" },
    ])).toEqual({ [a]: 2, [b]: 2 });
    expect((await getStore(project.id, "s1")).generations).toEqual([{ id: "gen00002", entryCount: 2 }]);
  });
});
