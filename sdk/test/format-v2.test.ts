// Format v2 through the store: replays are refused with a typed error,
// the context is enforced, v1 entries stay readable and become v2 on their
// next write, and writes cost at most one extra round trip.
import { describe, expect, it } from "vitest";
import { DataVaultClient, DataVaultDecryptionError, DataVaultRollbackError } from "../src/index.js";
import { encryptWithNonce } from "../src/crypto/cipher.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { SECRET, setup } from "./helpers.js";

const hashOf = async (key: string, storeId = "oauth-tokens") => deriveEntryKeys(SECRET, storeId, key);

describe("format v2 in the store", () => {
  it("writes v2 bound to the version the vault gives the write", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "one", { secret: SECRET });
    await store.setValue("k", "two", { secret: SECRET });
    const { keyHash } = await hashOf("k");
    const stored = vault.stores.get("oauth-tokens")!.get(keyHash)!;
    expect(stored.value.startsWith("v2.")).toBe(true);
    expect(Buffer.from(stored.value.slice(3), "base64url").readUInt32BE(0)).toBe(stored.version);
    expect(stored.version).toBe(2);
    expect(await store.getEntry("k", { secret: SECRET })).toMatchObject({ value: "two", version: 2 });
  });

  it("an older ciphertext put back by someone with a write key is a typed rollback, not a value", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "revoked-token", { secret: SECRET });
    const { keyHash } = await hashOf("k");
    const entries = vault.stores.get("oauth-tokens")!;
    const old = entries.get(keyHash)!.value;
    await store.setValue("k", "current-token", { secret: SECRET });
    const current = entries.get(keyHash)!.value;
    const replay = (value: string) =>
      vault.handle({ method: "PUT", path: `/api/v1/stores/oauth-tokens/entries/${keyHash}`, headers: { authorization: `Bearer ${vault.serverKey}` }, body: JSON.stringify({ value }) });
    // Replay: a plain PUT of the old ciphertext (version becomes 3).
    replay(old);
    const error = await store.getValue("k", { secret: SECRET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataVaultRollbackError);
    expect(error).toMatchObject({ code: "ROLLBACK_DETECTED", expectedVersion: 3, foundVersion: 1 });
    expect(String((error as Error).message)).not.toContain("revoked-token");
    // Resurrection after a delete: the entry starts again at version 1, the replayed value was version 2.
    await store.deleteValue("k", { secret: SECRET });
    replay(current);
    await expect(store.getValue("k", { secret: SECRET })).rejects.toBeInstanceOf(DataVaultRollbackError);
    // In a batch read too.
    await expect(store.getValues(["k"], { secret: SECRET })).rejects.toBeInstanceOf(DataVaultRollbackError);

    // What stays undetectable (docs/crypto.md, "What v2 does not detect"): the
    // counter restarts at 1 after a delete, so a value written at version n
    // comes back unnoticed once the entry is rewritten n - 1 times first.
    await store.deleteValue("k", { secret: SECRET });
    replay("junk");
    replay(current);
    expect(await store.getValue("k", { secret: SECRET })).toBe("current-token");
  });

  it("binds the app context: a value copied from another context (project) fails to decrypt", async () => {
    const { vault } = setup();
    const prod = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch, context: "project-a" });
    const other = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch, context: "project-b" });
    await prod.getDataVaultStore("oauth-tokens").setValue("k", "a's token", { secret: SECRET });
    expect(await prod.getDataVaultStore("oauth-tokens").getValue("k", { secret: SECRET })).toBe("a's token");
    // Same secret, same store, same key: same key hash, but another context.
    await expect(other.getDataVaultStore("oauth-tokens").getValue("k", { secret: SECRET })).rejects.toBeInstanceOf(DataVaultDecryptionError);
    // A store can override the client's context.
    expect(await other.getDataVaultStore("oauth-tokens", { context: "project-a" }).getValue("k", { secret: SECRET })).toBe("a's token");
    expect(() => other.getDataVaultStore("oauth-tokens", { context: "x".repeat(257) })).toThrow(/context/);
  });

  it("reads v1 entries, rewrites them as v2 on the next write, and can refuse v1 once migrated", async () => {
    const { store, vault, client } = setup();
    const keys = await hashOf("legacy");
    const v1 = encryptWithNonce(keys.valueKey, "oauth-tokens", keys.keyHash, "old format", Buffer.alloc(12, 1));
    vault.handle({ method: "PUT", path: `/api/v1/stores/oauth-tokens/entries/${keys.keyHash}`, headers: { authorization: `Bearer ${vault.serverKey}` }, body: JSON.stringify({ value: v1 }) });
    expect(await store.getValue("legacy", { secret: SECRET })).toBe("old format");
    expect(vault.generations.get("oauth-tokens")!.get(keys.keyHash)).toBeNull();
    await store.setValue("legacy", "new format", { secret: SECRET });
    const stored = vault.stores.get("oauth-tokens")!.get(keys.keyHash)!;
    expect(stored.value.startsWith("v2.")).toBe(true);
    expect(vault.generations.get("oauth-tokens")!.get(keys.keyHash)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    // A client that no longer accepts v1 calls an old v1 value put back a rollback.
    const strict = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch, acceptV1: false }).getDataVaultStore("oauth-tokens");
    expect(await strict.getValue("legacy", { secret: SECRET })).toBe("new format");
    vault.handle({ method: "PUT", path: `/api/v1/stores/oauth-tokens/entries/${keys.keyHash}`, headers: { authorization: `Bearer ${vault.serverKey}` }, body: JSON.stringify({ value: v1 }) });
    await expect(strict.getValue("legacy", { secret: SECRET })).rejects.toMatchObject({ code: "ROLLBACK_DETECTED", foundVersion: null });
    expect(await client.getDataVaultStore("oauth-tokens").getValue("legacy", { secret: SECRET })).toBe("old format");
  });

  it("costs no extra round trip when the version is known, one when it is not", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "a", { secret: SECRET, ifVersion: 0 });
    expect(vault.log.map((r) => r.method)).toEqual(["PUT"]);
    vault.log.length = 0;
    await store.setValue("k", "b", { secret: SECRET });
    expect(vault.log.map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(JSON.parse(vault.log[1]!.body)).toMatchObject({ ifVersion: 1 });
  });

  it("a plain write that loses a race to a concurrent write counts as overwritten by it (last writer wins), in one try", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "first", { secret: SECRET });
    let injected = false;
    vault.beforeHandle = async (request) => {
      // Between our read of the version and our write, another writer writes.
      if (request.method === "PUT" && !injected) {
        injected = true;
        await store.setValue("k", "concurrent", { secret: SECRET, ifVersion: 1 });
      }
    };
    vault.log.length = 0;
    await store.setValue("k", "ours", { secret: SECRET });
    vault.beforeHandle = null;
    expect(await store.getEntry("k", { secret: SECRET })).toMatchObject({ value: "concurrent", version: 2 });
    // One GET and one PUT of ours (and the injected writer's PUT): no loop.
    expect(vault.log.filter((r) => r.method === "PUT")).toHaveLength(2);
  });

  it("setValues drops only the keys a concurrent write moved and writes the rest", async () => {
    const { store, vault } = setup();
    await store.setValues([["a", "1"], ["b", "1"]], { secret: SECRET });
    let injected = false;
    vault.beforeHandle = async (request) => {
      if (request.path.endsWith("/batch-set") && !injected) {
        injected = true;
        await store.setValue("b", "concurrent", { secret: SECRET });
      }
    };
    await store.setValues([["a", "2"], ["b", "2"], ["c", "2"]], { secret: SECRET });
    vault.beforeHandle = null;
    expect([...(await store.getValues(["a", "b", "c"], { secret: SECRET }))]).toEqual([["a", "2"], ["b", "concurrent"], ["c", "2"]]);
  });
});
