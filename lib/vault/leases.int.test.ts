// Entry leases and fenced writes, on real SQLite and real PostgreSQL,
// through the services the v1 routes call.
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { getEntry, putEntry } from "./entries";
import { acquireEntryLease, purgeExpiredLeases, releaseEntryLease, type LeaseView } from "./leases";
import { deleteStore, getStore } from "./stores";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function held(view: LeaseView): Extract<LeaseView, { acquired: true }> {
  if (!view.acquired) throw new Error(`expected the lease, got ${JSON.stringify(view)}`);
  return view;
}

describeEachProvider("entry leases", () => {
  it("one holder at a time; renewal keeps the token; a stranger's renewal is lost", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    const first = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 }));
    expect(first).toMatchObject({ acquired: true, version: 0, entry: null });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const second = await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 });
    expect(second).toEqual({ acquired: false, reason: "held", expiresAt: first.expiresAt, version: 0 });

    await sleep(20);
    const renewed = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 20_000, token: first.token }));
    expect(renewed.token).toBe(first.token);
    expect(renewed.expiresAt > first.expiresAt).toBe(true);
    expect(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000, token: "x".repeat(22) })).toEqual({ acquired: false, reason: "lost", version: 0 });
    // Another entry's lease is independent.
    expect((await acquireEntryLease(project.id, "s1", keyHash(), { ttlMs: 10_000 })).acquired).toBe(true);
  });

  it("ifVersion: a waiter whose entry moved gets the entry instead of the lease", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    await putEntry(project.id, "s1", k, { value: "v2.one", expiresAt: null });
    const holder = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 }));
    expect(holder.entry).toMatchObject({ value: "v2.one", version: 1 });
    expect(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000, ifVersion: 1 })).toMatchObject({ acquired: false, reason: "held", version: 1 });
    // The holder writes (fenced, releasing): the waiter's next poll sees version 2.
    expect(await putEntry(project.id, "s1", k, { value: "v2.two", expiresAt: null, ifVersion: 1, leaseToken: holder.token, releaseLease: true })).toEqual({ version: 2, created: false });
    const waiter = await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000, ifVersion: 1 });
    expect(waiter).toMatchObject({ acquired: false, reason: "version", version: 2, entry: { value: "v2.two", version: 2 } });
    // The lease was released with the write: a fresh caller gets it at once.
    expect(held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000, ifVersion: 2 })).version).toBe(2);
  });

  it("fencing: a write under a lease that was taken over is refused and changes nothing", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    await putEntry(project.id, "s1", k, { value: "v2.t0", expiresAt: null });
    const a = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 150 }));
    await sleep(250);
    const b = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 }));
    expect(b.token).not.toBe(a.token);
    await expect(putEntry(project.id, "s1", k, { value: "v2.late", expiresAt: null, ifVersion: 1, leaseToken: a.token })).rejects.toMatchObject({ code: "LEASE_LOST", status: 409 });
    expect(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000, token: a.token })).toMatchObject({ acquired: false, reason: "lost" });
    expect(await getEntry(project.id, "s1", k)).toMatchObject({ value: "v2.t0", version: 1 });
    // The fence is checked before ifVersion: a lost lease is reported as such.
    await expect(putEntry(project.id, "s1", k, { value: "v2.late", expiresAt: null, ifVersion: 9, leaseToken: a.token })).rejects.toMatchObject({ code: "LEASE_LOST" });
    expect(await putEntry(project.id, "s1", k, { value: "v2.b", expiresAt: null, ifVersion: 1, leaseToken: b.token, releaseLease: true })).toEqual({ version: 2, created: false });
    // Released with the write: the same token no longer fences anything.
    await expect(putEntry(project.id, "s1", k, { value: "v2.again", expiresAt: null, leaseToken: b.token })).rejects.toMatchObject({ code: "LEASE_LOST" });
    expect(await releaseEntryLease(project.id, "s1", k, b.token)).toEqual({ released: false });
  });

  it("an expired lease nobody took over still fences its holder's write in", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    const a = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 100 }));
    await sleep(200);
    expect(await putEntry(project.id, "s1", k, { value: "v2.slow", expiresAt: null, ifVersion: 0, leaseToken: a.token })).toEqual({ version: 1, created: true });
    // Without release the lease stays (expired); anyone may take it now.
    expect(held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 1_000 })).version).toBe(1);
  });

  it("release ends the lease only for its token", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    const a = held(await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 }));
    expect(await releaseEntryLease(project.id, "s1", k, "y".repeat(22))).toEqual({ released: false });
    expect((await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 })).acquired).toBe(false);
    expect(await releaseEntryLease(project.id, "s1", k, a.token)).toEqual({ released: true });
    expect((await acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 })).acquired).toBe(true);
    await expect(acquireEntryLease(project.id, "nope", k, { ttlMs: 10_000 })).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
    await expect(releaseEntryLease(project.id, "nope", k, a.token)).rejects.toMatchObject({ code: "STORE_NOT_FOUND" });
  });

  it("many concurrent acquirers: exactly one gets the lease", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    const k = keyHash();
    const results = await Promise.all(Array.from({ length: 25 }, () => acquireEntryLease(project.id, "s1", k, { ttlMs: 10_000 })));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    expect(results.filter((r) => !r.acquired && r.reason === "held")).toHaveLength(24);
  });

  it("leases are in no count or list, go with their store, and old ones are purged", async () => {
    const { project } = await makeProject();
    await makeStoreAndKey(project.id, "s1");
    await putEntry(project.id, "s1", keyHash(), { value: "v2.x", expiresAt: null });
    for (let i = 0; i < 3; i++) await acquireEntryLease(project.id, "s1", keyHash(), { ttlMs: 10_000 });
    const store = await getStore(project.id, "s1");
    expect(store.entryCount).toBe(1);
    expect(store.generations).toEqual([{ id: null, entryCount: 1 }]);
    const ref = (await getDb().store.findFirstOrThrow({ where: { projectId: project.id, storeId: "s1" } })).id;
    expect(await getDb().entryLease.count({ where: { storeRef: ref } })).toBe(3);

    // Purge: only rows expired longer ago than the grace.
    const k = keyHash();
    await acquireEntryLease(project.id, "s1", k, { ttlMs: 100 });
    await sleep(200);
    expect(await purgeExpiredLeases(60_000)).toBe(0);
    expect(await purgeExpiredLeases(50)).toBeGreaterThanOrEqual(1);
    expect(await getDb().entryLease.count({ where: { storeRef: ref, keyHash: k } })).toBe(0);

    await deleteStore(project.id, "s1", TEST_ACTOR);
    expect(await getDb().entryLease.count({ where: { storeRef: ref } })).toBe(0);
  });
});
