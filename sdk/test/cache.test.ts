import { beforeEach, describe, expect, it, vi } from "vitest";
import { pbkdf2Stats, resetPbkdf2Stats } from "./pbkdf2-counter.js";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  const { pbkdf2Stats: stats } = await import("./pbkdf2-counter.js");
  const pbkdf2 = (...args: Parameters<typeof actual.pbkdf2>) => {
    stats.calls += 1;
    actual.pbkdf2(...args);
  };
  return { ...actual, pbkdf2, default: { ...actual, pbkdf2 } };
});

const { DerivedKeyCache } = await import("../src/key-cache.js");
const { deriveEntryKeys } = await import("../src/crypto/derive.js");
const { setup, SECRET, OLD_SECRET } = await import("./helpers.js");

beforeEach(() => resetPbkdf2Stats());

describe("derived-key cache", () => {
  it("is off by default: every call derives", async () => {
    const { store } = setup();
    await store.setValue("k", "v", { secret: SECRET });
    await store.getValue("k", { secret: SECRET });
    await store.getValue("k", { secret: SECRET });
    expect(pbkdf2Stats.calls).toBe(4); // 3 calls, and the generation id of SECRET in this store once
  });

  it("when enabled, a repeated key derives once, per secret and per store", async () => {
    const { client, store } = setup({ cache: true }, ["oauth-tokens", "other"]);
    await store.setValue("k", "v", { secret: SECRET });
    expect(await store.getValue("k", { secret: SECRET })).toBe("v");
    expect(await store.getValue("k", { secret: SECRET })).toBe("v");
    expect(pbkdf2Stats.calls).toBe(2); // the key, and the generation id
    expect(await store.getValue("k", { secret: OLD_SECRET })).toBeNull();
    expect(await client.getDataVaultStore("other").getValue("k", { secret: SECRET })).toBeNull();
    expect(pbkdf2Stats.calls).toBe(4);
    client.clearKeyCache();
    await store.getValue("k", { secret: SECRET });
    expect(pbkdf2Stats.calls).toBe(5);
  });

  it("shares one derivation between concurrent calls for the same key", async () => {
    const { store } = setup({ cache: { maxEntries: 10, ttlMs: 60_000 } });
    await Promise.all(Array.from({ length: 5 }, () => store.getValue("k", { secret: SECRET })));
    expect(pbkdf2Stats.calls).toBe(1);
  });

  it("expires entries after ttlMs and evicts the least recently used", async () => {
    let now = 0;
    const cache = new DerivedKeyCache({ maxEntries: 2, ttlMs: 1_000 }, () => now);
    let derivations = 0;
    const derive = () => {
      derivations += 1;
      return deriveEntryKeys(SECRET, "s", "k");
    };
    await cache.getOrDerive(SECRET, "s", "a", derive);
    await cache.getOrDerive(SECRET, "s", "b", derive);
    await cache.getOrDerive(SECRET, "s", "a", derive); // a is now most recent
    await cache.getOrDerive(SECRET, "s", "c", derive); // evicts b
    expect(cache.size).toBe(2);
    expect(derivations).toBe(3);
    await cache.getOrDerive(SECRET, "s", "a", derive);
    expect(derivations).toBe(3);
    await cache.getOrDerive(SECRET, "s", "b", derive);
    expect(derivations).toBe(4);
    now = 5_000;
    await cache.getOrDerive(SECRET, "s", "b", derive);
    expect(derivations).toBe(5);
  });

  it("does not keep a failed derivation", async () => {
    const cache = new DerivedKeyCache({});
    await expect(cache.getOrDerive(SECRET, "s", "k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await Promise.resolve();
    expect(cache.size).toBe(0);
  });

  it("does not hold the secret or the key in its index", () => {
    const cache = new DerivedKeyCache({});
    void cache.getOrDerive(SECRET, "s", "user@example.com", () => deriveEntryKeys(SECRET, "s", "user@example.com"));
    const index = JSON.stringify([...(cache as unknown as { slots: Map<string, unknown> }).slots.keys()]);
    expect(index).not.toContain("user@example.com");
    expect(index).not.toContain(SECRET);
  });
});
