// Secret generations: the counts a rotation is watched with, migrate(),
// verifySecret() and getInfo().
import { describe, expect, it } from "vitest";
import { encryptWithNonce } from "../src/crypto/cipher.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { deriveGenerationId } from "../src/crypto/generation.js";
import { OLD_SECRET, SECRET, setup } from "./helpers.js";

const keys = (n: number, prefix = "k") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("secret generations", () => {
  it("every write records its secret's generation id; getInfo counts them and shows a rotation's progress", async () => {
    const { store } = setup();
    const oldId = await deriveGenerationId(OLD_SECRET, "oauth-tokens");
    const newId = await deriveGenerationId(SECRET, "oauth-tokens");
    await store.setValues(keys(5).map((k) => [k, "v"] as const), { secret: OLD_SECRET });
    let info = await store.getInfo({ secret: SECRET, previousSecrets: [OLD_SECRET] });
    expect(info.generations).toEqual([{ id: oldId, entryCount: 5 }]);
    expect(info.rotation).toEqual({ current: { id: newId, entryCount: 0 }, previous: [{ id: oldId, entryCount: 5 }], remaining: 5, done: false });
    // Two are read (and so moved) under the new secret.
    await store.getValues(["k0", "k1"], { secret: SECRET, previousSecrets: [OLD_SECRET] });
    info = await store.getInfo({ secret: SECRET, previousSecrets: [OLD_SECRET] });
    expect(info.rotation).toMatchObject({ current: { entryCount: 2 }, previous: [{ entryCount: 3 }], remaining: 3, done: false });
    // Without a secret, just the counts.
    expect((await store.getInfo()).rotation).toBeUndefined();
  });

  it("migrate moves known keys in batches; afterwards nothing is left under the old secret", async () => {
    const { store, vault } = setup();
    await store.setValues(keys(25).map((k) => [k, `value ${k}`] as const), { secret: OLD_SECRET });
    await store.setValue("already", "new", { secret: SECRET });
    const progress: number[] = [];
    const result = await store.migrate([...keys(25), "already", "missing"], {
      secret: SECRET,
      previousSecrets: [OLD_SECRET],
      batchSize: 10,
      onProgress: (p) => progress.push(p.done),
    });
    expect(result).toEqual({ keys: 27, current: 1, upgraded: 0, moved: 25, missing: 1, failed: [] });
    expect(progress).toEqual([10, 20, 27]);
    const info = await store.getInfo({ secret: SECRET, previousSecrets: [OLD_SECRET] });
    expect(info.rotation).toMatchObject({ previous: [{ entryCount: 0 }], remaining: 0, done: true });
    expect(vault.entryCount()).toBe(26);
    expect(await store.getValue("k7", { secret: SECRET })).toBe("value k7");
    // Moves are "only if absent" and the old copies go by check-and-set deletes.
    const sets = vault.log.filter((r) => r.path.endsWith("/batch-set")).slice(-3);
    expect(sets.every((r) => JSON.parse(r.body).entries.every((e: { ifVersion: number }) => e.ifVersion === 0))).toBe(true);
    expect(vault.log.filter((r) => r.method === "DELETE").every((r) => /\?ifVersion=\d+$/.test(r.path))).toBe(true);
    // Running it again finds everything done.
    expect(await store.migrate(keys(25), { secret: SECRET, previousSecrets: [OLD_SECRET] })).toMatchObject({ current: 25, moved: 0 });
  });

  it("migrate upgrades v1 entries under the current secret to v2 and reports the ones it cannot read", async () => {
    const { store, vault } = setup();
    const put = (keyHash: string, value: string) =>
      vault.handle({ method: "PUT", path: `/api/v1/stores/oauth-tokens/entries/${keyHash}`, headers: { authorization: `Bearer ${vault.serverKey}` }, body: JSON.stringify({ value }) });
    for (const k of ["a", "b"]) {
      const d = await deriveEntryKeys(SECRET, "oauth-tokens", k);
      put(d.keyHash, encryptWithNonce(d.valueKey, "oauth-tokens", d.keyHash, `legacy ${k}`, Buffer.alloc(12, 3)));
    }
    const bad = await deriveEntryKeys(SECRET, "oauth-tokens", "bad");
    put(bad.keyHash, "v2.garbage");
    expect((await store.getInfo()).generations).toEqual([{ id: null, entryCount: 3 }]);
    const result = await store.migrate(["a", "b", "bad"], { secret: SECRET });
    expect(result).toEqual({ keys: 3, current: 0, upgraded: 2, moved: 0, missing: 0, failed: [{ key: "bad", code: "DECRYPTION_FAILED" }] });
    expect(await store.getValue("a", { secret: SECRET })).toBe("legacy a");
    expect(vault.stores.get("oauth-tokens")!.get((await deriveEntryKeys(SECRET, "oauth-tokens", "a")).keyHash)!.value.startsWith("v2.")).toBe(true);
    const gens = (await store.getInfo()).generations;
    expect(gens).toEqual([{ id: await deriveGenerationId(SECRET, "oauth-tokens"), entryCount: 2 }, { id: null, entryCount: 1 }]);
  });

  it("verifySecret tells a matching secret from a wrong one, and says when it cannot tell", async () => {
    const { store } = setup();
    expect(await store.verifySecret({ secret: SECRET })).toMatchObject({ status: "unknown", entryCount: 0 });
    await store.setValue("k", "v", { secret: SECRET });
    const ok = await store.verifySecret({ secret: SECRET });
    expect(ok).toEqual({ status: "match", generation: await deriveGenerationId(SECRET, "oauth-tokens"), entryCount: 1 });
    expect(await store.verifySecret({ secret: OLD_SECRET })).toMatchObject({ status: "mismatch", entryCount: 0 });
    await expect(store.verifySecret({ secret: "" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("generation ids are short, per store, and not the secret", async () => {
    const a = await deriveGenerationId(SECRET, "oauth-tokens");
    expect(a).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(await deriveGenerationId(SECRET, "other")).not.toBe(a);
    expect(await deriveGenerationId(OLD_SECRET, "oauth-tokens")).not.toBe(a);
    expect(await deriveGenerationId(SECRET, "oauth-tokens")).toBe(a);
  });
});
