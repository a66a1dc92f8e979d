// Tampering with stored rows, on real SQLite and real PostgreSQL: a flipped
// byte in any stored field, rows swapped between keys, stores and projects,
// a wrong master-key version, an older row's blobs replayed. Every case is
// refused as an integrity failure; wrong data is never returned.
import { beforeAll, expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { createStore } from "./stores";
import { getEntry, putEntry } from "./entries";
import { clearKeyringCache, rotateMasterKey } from "./keyring";

type Row = { storeRef: string; keyHash: string; ciphertext: Uint8Array; wrappedKey: Uint8Array; masterKeyVersion: number; version: number };

describeEachProvider("tampering", () => {
  let projectId: string;
  let otherProjectId: string;
  const rowOf = (k: string) => getDb().entry.findFirstOrThrow({ where: { keyHash: k } });
  const setRow = (r: Pick<Row, "storeRef" | "keyHash">, data: Partial<Row>) =>
    getDb().entry.update({ where: { storeRef_keyHash: { storeRef: r.storeRef, keyHash: r.keyHash } }, data: data as never });
  const refused = async (store: string, k: string, project = projectId) =>
    expect(getEntry(project, store, k)).rejects.toMatchObject({ code: "INTERNAL", message: expect.stringMatching(/integrity/) });

  beforeAll(async () => {
    ({ project: { id: projectId } } = await makeProject());
    ({ project: { id: otherProjectId } } = await makeProject("other"));
    await makeStoreAndKey(projectId, "s1");
    await createStore(projectId, { storeId: "s2", displayName: "s2" }, TEST_ACTOR);
    await createStore(otherProjectId, { storeId: "s1", displayName: "s1" }, TEST_ACTOR);
  });

  it("a flipped byte anywhere in the ciphertext or the wrapped key is refused", async () => {
    const k = keyHash();
    await putEntry(projectId, "s1", k, { value: "v1.original-ciphertext-from-the-sdk", expiresAt: null });
    const row = await rowOf(k);
    for (const field of ["ciphertext", "wrappedKey"] as const) {
      const blob = Buffer.from(row[field]);
      // Every position for the short wrapped key, a sample for longer blobs.
      const positions = blob.length <= 80 ? [...blob.keys()] : [0, 1, 5, 12, 13, 20, blob.length - 17, blob.length - 1];
      for (const i of positions) {
        const t = Buffer.from(blob);
        t[i]! ^= 0x01 << i % 8;
        await setRow(row, { [field]: t });
        await refused("s1", k);
      }
      await setRow(row, { [field]: blob });
    }
    expect((await getEntry(projectId, "s1", k)).value).toBe("v1.original-ciphertext-from-the-sdk");
  });

  it("rows swapped between keys, stores and projects are refused", async () => {
    const [a, b] = [keyHash(), keyHash()];
    await putEntry(projectId, "s1", a, { value: "value-a", expiresAt: null });
    await putEntry(projectId, "s1", b, { value: "value-b", expiresAt: null });
    const [ra, rb] = [await rowOf(a), await rowOf(b)];
    // Swap the sealed blobs of two keys.
    await setRow(ra, { ciphertext: rb.ciphertext, wrappedKey: rb.wrappedKey });
    await setRow(rb, { ciphertext: ra.ciphertext, wrappedKey: ra.wrappedKey });
    await refused("s1", a);
    await refused("s1", b);
    await setRow(ra, { ciphertext: ra.ciphertext, wrappedKey: ra.wrappedKey });
    await setRow(rb, { ciphertext: rb.ciphertext, wrappedKey: rb.wrappedKey });
    // Move a row to another store of the same project, then of another project.
    const s2 = await getDb().store.findFirstOrThrow({ where: { projectId, storeId: "s2" } });
    await setRow(ra, { storeRef: s2.id });
    await refused("s2", a);
    const foreign = await getDb().store.findFirstOrThrow({ where: { projectId: otherProjectId, storeId: "s1" } });
    await setRow({ storeRef: s2.id, keyHash: a }, { storeRef: foreign.id });
    await refused("s1", a, otherProjectId);
    await setRow({ storeRef: foreign.id, keyHash: a }, { storeRef: ra.storeRef });
    expect((await getEntry(projectId, "s1", a)).value).toBe("value-a");
  });

  it("a wrong master-key version, a changed version counter and replayed old blobs are refused", async () => {
    const k = keyHash();
    await putEntry(projectId, "s1", k, { value: "old-value", expiresAt: null });
    const v1 = await rowOf(k);
    await putEntry(projectId, "s1", k, { value: "new-value", expiresAt: null });
    const v2 = await rowOf(k);
    // Replay: version 1's blobs under the current version number.
    await setRow(v2, { ciphertext: v1.ciphertext, wrappedKey: v1.wrappedKey });
    await refused("s1", k);
    await setRow(v2, { ciphertext: v2.ciphertext, wrappedKey: v2.wrappedKey });
    await setRow(v2, { version: 5 });
    await refused("s1", k);
    await setRow(v2, { version: 2 });
    await rotateMasterKey(TEST_ACTOR);
    await setRow(v2, { masterKeyVersion: v2.masterKeyVersion + 1 });
    await refused("s1", k);
    await setRow(v2, { masterKeyVersion: v2.masterKeyVersion });
    expect((await getEntry(projectId, "s1", k)).value).toBe("new-value");
  });

  it("a tampered master key in the keyring is refused", async () => {
    const k = keyHash();
    await putEntry(projectId, "s1", k, { value: "under-mk", expiresAt: null });
    const row = await rowOf(k);
    const mk = await getDb().masterKey.findUniqueOrThrow({ where: { version: row.masterKeyVersion } });
    const t = Buffer.from(mk.wrappedKey);
    t[20]! ^= 0xff;
    await getDb().masterKey.update({ where: { version: mk.version }, data: { wrappedKey: t } });
    clearKeyringCache();
    await refused("s1", k);
    await getDb().masterKey.update({ where: { version: mk.version }, data: { wrappedKey: mk.wrappedKey } });
    clearKeyringCache();
    expect((await getEntry(projectId, "s1", k)).value).toBe("under-mk");
  });
});
