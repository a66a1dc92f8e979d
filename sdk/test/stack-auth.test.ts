// The Stack Auth adapter: Stack Auth's call shapes (learned from their
// docs and tests: an async getDataVaultStore(id), getValue/setValue with
// { secret }, null for a missing key or a wrong secret) over this SDK, and
// the copy helper for moving data over.
import { describe, expect, it } from "vitest";
import { DataVaultClient } from "../src/index.js";
import { copyFromStackAuth, stackAuthCompat } from "../src/stack-auth.js";
import { SECRET, setup } from "./helpers.js";

/** The shape an app written for Stack Auth's server app uses (its own type, as an app would declare it). */
type StackStore = {
  id: string;
  setValue(key: string, value: string, options: { secret: string }): Promise<void>;
  getValue(key: string, options: { secret: string }): Promise<string | null>;
};
type StackServerApp = { getDataVaultStore(id: string): Promise<StackStore> };

/** App code as it stood with Stack Auth; unchanged, it runs on the adapter. */
async function appCode(stackServerApp: StackServerApp, userId: string, token: string) {
  const store = await stackServerApp.getDataVaultStore("oauth-tokens");
  await store.setValue(`gh:${userId}`, token, { secret: SECRET });
  return { id: store.id, read: await store.getValue(`gh:${userId}`, { secret: SECRET }), missing: await store.getValue("nobody", { secret: SECRET }) };
}

describe("stackAuthCompat", () => {
  it("runs code written for Stack Auth's Data Vault unchanged", async () => {
    const { vault } = setup();
    const app = stackAuthCompat({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch });
    expect(await appCode(app, "42", "ghr_token")).toEqual({ id: "oauth-tokens", read: "ghr_token", missing: null });
    // Stored in this SDK's format: readable with the plain SDK, and a wrong secret reads null as in Stack Auth.
    const store = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch }).getDataVaultStore("oauth-tokens");
    expect(await store.getValue("gh:42", { secret: SECRET })).toBe("ghr_token");
    expect(await (await app.getDataVaultStore("oauth-tokens")).getValue("gh:42", { secret: SECRET + "x" })).toBeNull();
    // The empty value works as in Stack Auth.
    const s = await app.getDataVaultStore("oauth-tokens");
    await s.setValue("empty", "", { secret: SECRET });
    expect(await s.getValue("empty", { secret: SECRET })).toBe("");
  });

  it("refuses the empty secret Stack Auth accepts, saying why; a missing secret too", async () => {
    const { client, vault } = setup();
    const store = await stackAuthCompat(client).getDataVaultStore("oauth-tokens");
    await expect(store.setValue("k", "v", { secret: "" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("Stack Auth accepts one") });
    await expect(store.getValue("k", { secret: "" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    // @ts-expect-error: what Stack Auth's own tests check too
    await expect(store.getValue("k", {})).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(vault.log).toHaveLength(0);
  });

  it("getDataVaultStore is async; a bad id rejects, a missing store fails on first use with STORE_NOT_FOUND", async () => {
    const { client } = setup();
    const app = stackAuthCompat(client);
    expect(app.getDataVaultStore("oauth-tokens")).toBeInstanceOf(Promise);
    await expect(app.getDataVaultStore("bad id")).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    const missing = await app.getDataVaultStore("not-created");
    await expect(missing.getValue("k", { secret: SECRET })).rejects.toMatchObject({ code: "STORE_NOT_FOUND", status: 404 });
  });
});

describe("copyFromStackAuth", () => {
  it("copies known keys from a Stack Auth store (even one written with an empty secret) under a real secret", async () => {
    const { store } = setup();
    // Stands in for Stack Auth's store object: it hashes keys with the secret, so only known keys can be read.
    const stackData = new Map([["|gh:1", "t1"], ["|gh:2", "t2"], ["|gh:3", ""]]);
    const stackStore = { getValue: async (key: string, o: { secret: string }) => stackData.get(`${o.secret}|${key}`) ?? null };
    const progress: number[] = [];
    const result = await copyFromStackAuth(stackStore, store, ["gh:1", "gh:2", "gh:3", "gh:4", "gh:1"], {
      sourceSecret: "",
      secret: SECRET,
      batchSize: 2,
      onProgress: (done) => progress.push(done),
    });
    expect(result).toEqual({ copied: 3, missing: ["gh:4"] });
    expect(progress).toEqual([2, 4]);
    expect([...(await store.getValues(["gh:1", "gh:2", "gh:3"], { secret: SECRET }))]).toEqual([["gh:1", "t1"], ["gh:2", "t2"], ["gh:3", ""]]);
    await expect(copyFromStackAuth(stackStore, store, ["gh:1"], { sourceSecret: "", secret: "" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });

  it("a failing source read stops the copy without naming the key in the message", async () => {
    const { store } = setup();
    const failing = { getValue: async (key: string) => Promise.reject(new Error(`boom for ${key}`)) };
    const error = await copyFromStackAuth(failing, store, ["user@example.com"], { sourceSecret: "s", secret: SECRET }).catch((e: unknown) => e);
    expect((error as Error).message).not.toContain("user@example.com");
    expect((error as Error).cause).toBeInstanceOf(Error);
  });
});
