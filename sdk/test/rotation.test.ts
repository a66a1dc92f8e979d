import { describe, expect, it } from "vitest";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { OLD_SECRET, SECRET, setup } from "./helpers.js";

const rotating = { secret: SECRET, previousSecrets: [OLD_SECRET] };
const hashOf = async (secret: string, key: string) => (await deriveEntryKeys(secret, "oauth-tokens", key)).keyHash;

describe("secret rotation", () => {
  it("reads an entry written under a previous secret, moves it, and removes the old one", async () => {
    const { store, vault } = setup();
    await store.setValue("gh:1", "token-1", { secret: OLD_SECRET });
    expect(await store.getValue("gh:1", { secret: SECRET })).toBeNull();
    expect(await store.getValue("gh:1", rotating)).toBe("token-1");
    const entries = vault.stores.get("oauth-tokens");
    expect(entries?.has(await hashOf(SECRET, "gh:1"))).toBe(true);
    expect(entries?.has(await hashOf(OLD_SECRET, "gh:1"))).toBe(false);
    // Now readable with the new secret alone.
    expect(await store.getValue("gh:1", { secret: SECRET })).toBe("token-1");
  });

  it("keeps the old entry's expiry when moving it", async () => {
    const { store } = setup();
    await store.setValue("k", "v", { secret: OLD_SECRET, expiresAt: "2999-01-01T00:00:00.000Z" });
    expect(await store.getEntry("k", rotating)).toMatchObject({ value: "v", version: 1, expiresAt: "2999-01-01T00:00:00.000Z" });
    expect(await store.getEntry("k", { secret: SECRET })).toMatchObject({ expiresAt: "2999-01-01T00:00:00.000Z" });
  });

  it("tries previous secrets in order and only after a miss", async () => {
    const { store, vault } = setup();
    const older = "older-secret-0123456789-abcdefghijklmn";
    await store.setValue("k", "from-older", { secret: older });
    vault.log.length = 0;
    expect(await store.getValue("k", { secret: SECRET, previousSecrets: [OLD_SECRET, older] })).toBe("from-older");
    const gets = vault.log.filter((r) => r.method === "GET").map((r) => r.path.split("/").pop());
    expect(gets.slice(0, 3)).toEqual([await hashOf(SECRET, "k"), await hashOf(OLD_SECRET, "k"), await hashOf(older, "k")]);
    vault.log.length = 0;
    expect(await store.getValue("k", { secret: SECRET, previousSecrets: [OLD_SECRET, older] })).toBe("from-older");
    expect(vault.log).toHaveLength(1); // a hit under the current secret asks nothing else
  });

  it("is safe when two readers migrate the same entry at once", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "v", { secret: OLD_SECRET });
    vault.log.length = 0;
    // Hold both migration writes until both readers have read the old entry.
    let migrationWrites = 0;
    let release: () => void = () => {};
    const bothRead = new Promise<void>((resolve) => (release = resolve));
    const oldHash = await hashOf(OLD_SECRET, "k");
    vault.beforeHandle = async (request) => {
      if (request.method === "PUT") {
        migrationWrites += 1;
        if (migrationWrites === 2) release();
        await bothRead;
      }
    };
    const [a, b] = await Promise.all([store.getValue("k", rotating), store.getValue("k", rotating)]);
    vault.beforeHandle = null;
    expect([a, b]).toEqual(["v", "v"]);
    const puts = vault.log.filter((r) => r.method === "PUT");
    expect(puts).toHaveLength(2);
    expect(puts.every((r) => JSON.parse(r.body).ifVersion === 0)).toBe(true);
    const entries = vault.stores.get("oauth-tokens");
    expect(entries?.size).toBe(1);
    expect(entries?.get(await hashOf(SECRET, "k"))?.version).toBe(1); // written once, not twice
    expect(entries?.has(oldHash)).toBe(false);
  });

  it("prefers a value set under the new secret while a reader was migrating", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "old value", { secret: OLD_SECRET });
    let injected = false;
    vault.beforeHandle = async (request) => {
      // Just before the reader's migration write, a writer sets a new value.
      if (request.method === "PUT" && !injected) {
        injected = true;
        vault.beforeHandle = null;
        await store.setValue("k", "new value", { secret: SECRET });
      }
    };
    expect(await store.getValue("k", rotating)).toBe("new value");
    expect(await store.getValue("k", { secret: SECRET })).toBe("new value");
  });

  it("does not delete the old entry when it changed after it was read (an instance still on the old secret)", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "v1 under old", { secret: OLD_SECRET });
    let injected = false;
    vault.beforeHandle = async (request) => {
      // Between the reader's migration write and its delete, an instance not
      // yet rolled over writes under the old secret.
      if (request.method === "DELETE" && !injected) {
        injected = true;
        vault.beforeHandle = null;
        await store.setValue("k", "v2 under old", { secret: OLD_SECRET });
      }
    };
    expect(await store.getValue("k", rotating)).toBe("v1 under old");
    expect(injected).toBe(true);
    // The newer write under the old secret survives; nothing was destroyed.
    expect(await store.getValue("k", { secret: OLD_SECRET })).toBe("v2 under old");
    expect(vault.stores.get("oauth-tokens")?.has(await hashOf(OLD_SECRET, "k"))).toBe(true);
  });

  it("still returns the value when the migration write is refused (read-only key)", async () => {
    const errors: unknown[] = [];
    const { store, vault } = setup({ onRotationError: (e) => errors.push(e) });
    await store.setValue("k", "v", { secret: OLD_SECRET });
    vault.beforeHandle = (request) => {
      if (request.method === "PUT") vault.faults.push({ kind: "respond", response: { status: 403, body: { error: { code: "FORBIDDEN", message: "read-only" } } } });
    };
    expect(await store.getValue("k", rotating)).toBe("v");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: "FORBIDDEN" });
    expect(vault.stores.get("oauth-tokens")?.has(await hashOf(OLD_SECRET, "k"))).toBe(true);
  });

  it("setValue with previousSecrets removes the copy under the old secret", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "old", { secret: OLD_SECRET });
    await store.setValue("k", "new", rotating);
    const entries = vault.stores.get("oauth-tokens");
    expect(entries?.size).toBe(1);
    expect(entries?.has(await hashOf(SECRET, "k"))).toBe(true);
    expect(await store.getValue("k", { secret: OLD_SECRET })).toBeNull();
  });

  it("deleteValue with previousSecrets deletes under every secret", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "old", { secret: OLD_SECRET });
    await store.setValue("k", "new", { secret: SECRET });
    expect(await store.deleteValue("k", rotating)).toBe(true);
    expect(vault.entryCount()).toBe(0);
    expect(await store.deleteValue("k", rotating)).toBe(false);
  });

  it("getValues migrates the misses that hit under a previous secret", async () => {
    const { store, vault } = setup();
    await store.setValue("a", "A", { secret: SECRET });
    await store.setValues([["b", "B"], ["c", "C"]], { secret: OLD_SECRET });
    const values = await store.getValues(["a", "b", "c", "d"], rotating);
    expect([...values]).toEqual([["a", "A"], ["b", "B"], ["c", "C"], ["d", null]]);
    const entries = vault.stores.get("oauth-tokens");
    expect(entries?.size).toBe(3);
    for (const k of ["a", "b", "c"]) expect(entries?.has(await hashOf(SECRET, k))).toBe(true);
  });

  it("setValues with previousSecrets removes old copies", async () => {
    const { store, vault } = setup();
    await store.setValues([["a", "1"], ["b", "2"]], { secret: OLD_SECRET });
    await store.setValues([["a", "3"], ["b", "4"], ["c", "5"]], rotating);
    expect(vault.entryCount()).toBe(3);
    expect([...(await store.getValues(["a", "b", "c"], { secret: SECRET })).values()]).toEqual(["3", "4", "5"]);
  });
});
