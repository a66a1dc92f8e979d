import { beforeEach, describe, expect, it, vi } from "vitest";
import { pbkdf2Stats, resetPbkdf2Stats } from "./pbkdf2-counter.js";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  const { pbkdf2Stats: stats } = await import("./pbkdf2-counter.js");
  const pbkdf2 = (...args: Parameters<typeof actual.pbkdf2>) => {
    stats.calls += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    const callback = args[5];
    actual.pbkdf2(args[0], args[1], args[2], args[3], args[4], (error, key) => {
      stats.inFlight -= 1;
      callback(error, key);
    });
  };
  return { ...actual, pbkdf2, default: { ...actual, pbkdf2 } };
});

const { DataVaultClient, DataVaultError, DataVaultDecryptionError, maxPlaintextBytes } = await import("../src/index.js");
const { resetSecretWarningForTests } = await import("../src/secret-rules.js");
const { setup, SECRET } = await import("./helpers.js");

beforeEach(() => resetPbkdf2Stats());

describe("single-entry calls", () => {
  it("sets, gets and deletes with exactly one PBKDF2 per call (plus one per secret and store for the generation id, once per client)", async () => {
    const { store, vault } = setup();
    await store.setValue("gh:1", "ghr_token", { secret: SECRET });
    expect(pbkdf2Stats.calls).toBe(2);
    expect(pbkdf2Stats.maxInFlight).toBe(2); // side by side: no added latency
    expect(await store.getValue("gh:1", { secret: SECRET })).toBe("ghr_token");
    expect(pbkdf2Stats.calls).toBe(3);
    await store.setValue("gh:1", "ghr_token_2", { secret: SECRET });
    expect(pbkdf2Stats.calls).toBe(4);
    expect(vault.entryCount()).toBe(1);
    expect(await store.deleteValue("gh:1", { secret: SECRET })).toBe(true);
    expect(pbkdf2Stats.calls).toBe(5);
    expect(await store.deleteValue("gh:1", { secret: SECRET })).toBe(false);
    expect(await store.getValue("gh:1", { secret: SECRET })).toBeNull();
  });

  it("sends only a key hash and ciphertext: no key, value or secret reaches the server", async () => {
    const { store, vault } = setup();
    await store.setValue("user@example.com", "refresh-token-ABC", { secret: SECRET });
    await store.getValue("user@example.com", { secret: SECRET });
    const wire = JSON.stringify(vault.log) + vault.dump();
    for (const plain of ["user@example.com", "refresh-token-ABC", SECRET]) expect(wire).not.toContain(plain);
    const [hash] = [...(vault.stores.get("oauth-tokens")?.keys() ?? [])];
    expect(hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("reads a missing entry and a wrong secret as null", async () => {
    const { store } = setup();
    expect(await store.getValue("nope", { secret: SECRET })).toBeNull();
    await store.setValue("k", "v", { secret: SECRET });
    expect(await store.getValue("k", { secret: SECRET + "-wrong" })).toBeNull();
  });

  it("throws a decryption error for a tampered ciphertext on the server", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "value", { secret: SECRET });
    const entries = vault.stores.get("oauth-tokens");
    for (const entry of entries?.values() ?? []) entry.value = entry.value.slice(0, -2) + (entry.value.endsWith("AA") ? "BA" : "AA");
    await expect(store.getValue("k", { secret: SECRET })).rejects.toBeInstanceOf(DataVaultDecryptionError);
  });

  it("stores the empty string and unicode values", async () => {
    const { store } = setup();
    await store.setValue("empty", "", { secret: SECRET });
    expect(await store.getValue("empty", { secret: SECRET })).toBe("");
    await store.setValue("🔑", "値 ✓ 𝄞", { secret: SECRET });
    expect(await store.getValue("🔑", { secret: SECRET })).toBe("値 ✓ 𝄞");
  });

  it("supports check-and-set and expiry as extras", async () => {
    const { store } = setup();
    await store.setValue("k", "one", { secret: SECRET, ifVersion: 0 });
    const entry = await store.getEntry("k", { secret: SECRET });
    expect(entry?.version).toBe(1);
    await expect(store.setValue("k", "two", { secret: SECRET, ifVersion: 0 })).rejects.toMatchObject({ code: "VERSION_CONFLICT", status: 409 });
    await store.setValue("k", "two", { secret: SECRET, ifVersion: 1, expiresAt: new Date("2999-01-01T00:00:00Z") });
    expect(await store.getEntry("k", { secret: SECRET })).toMatchObject({ value: "two", version: 2, expiresAt: "2999-01-01T00:00:00.000Z" });
  });
});

describe("validation happens before the network", () => {
  it("rejects bad store ids, keys, secrets, values and options without a request", async () => {
    const { client, store, vault } = setup();
    expect(() => client.getDataVaultStore("bad id")).toThrow(DataVaultError);
    expect(() => client.getDataVaultStore("-leading-dash")).toThrow(/Store id/);
    expect(() => client.getDataVaultStore("a".repeat(64))).toThrow(DataVaultError);
    expect(client.getDataVaultStore("a".repeat(63)).id).toHaveLength(63);
    await expect(store.getValue("", { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.getValue("k", { secret: "" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.setValue("k", "v", { secret: SECRET, previousSecrets: [""] })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.setValue("\uD800", "v", { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.setValue("k", "bad \uDC00", { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.setValue("k", "v", { secret: SECRET, ifVersion: -1 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.setValue("k", "v", { secret: SECRET, expiresAt: "not a date" })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    // @ts-expect-error: a JS caller passing a non-string value
    await expect(store.setValue("k", 42, { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(vault.log).toHaveLength(0);
    expect(pbkdf2Stats.calls).toBe(0);
  });

  it("checks the value size so the ciphertext fits the server's 2,097,152 characters", async () => {
    const { store, vault } = setup();
    // Format v2: 4 bytes of version header besides the nonce and the tag.
    expect(maxPlaintextBytes(2_097_152)).toBe(1_572_829);
    await expect(store.setValue("big", "x".repeat(1_572_830), { secret: SECRET })).rejects.toMatchObject({ code: "VALUE_TOO_LARGE", status: undefined });
    // Multi-byte characters count in UTF-8 bytes.
    await expect(store.setValue("big", "é".repeat(786_415), { secret: SECRET })).rejects.toMatchObject({ code: "VALUE_TOO_LARGE" });
    expect(vault.log).toHaveLength(0);
    await store.setValue("big", "x".repeat(1_572_829), { secret: SECRET });
    const stored = [...(vault.stores.get("oauth-tokens")?.values() ?? [])][0];
    expect(stored?.value.length).toBe(2_097_151);
    expect(await store.getValue("big", { secret: SECRET })).toHaveLength(1_572_829);
  });

  it("honours a smaller server limit given as maxValueChars", async () => {
    const { store } = setup({ maxValueChars: 100 });
    const limit = maxPlaintextBytes(100);
    await store.setValue("k", "x".repeat(limit), { secret: SECRET });
    await expect(store.setValue("k", "x".repeat(limit + 1), { secret: SECRET })).rejects.toMatchObject({ code: "VALUE_TOO_LARGE" });
  });

  it("validates client options without echoing the server key", () => {
    expect(() => new DataVaultClient({ baseUrl: "not a url", serverKey: "k" })).toThrow(/baseUrl/);
    expect(() => new DataVaultClient({ baseUrl: "ftp://x", serverKey: "k" })).toThrow(/baseUrl/);
    expect(() => new DataVaultClient({ baseUrl: "http://u:p@x", serverKey: "k" })).toThrow(/credentials/);
    try {
      new DataVaultClient({ baseUrl: "http://x", serverKey: "has space-secret-server-key" });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("secret-server-key");
    }
    expect(() => new DataVaultClient({ baseUrl: "http://x", serverKey: "k", retries: 1.5 })).toThrow(/retries/);
  });

  it("warns once per process about a secret under 32 characters", async () => {
    resetSecretWarningForTests();
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { store } = setup();
    await store.setValue("k", "v", { secret: "s3cr" });
    await store.getValue("k", { secret: "s3cr" });
    await store.getValue("k", { secret: "x".repeat(31) });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).not.toContain("s3cr");
    await store.getValue("k", { secret: "y".repeat(32) });
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

describe("server errors", () => {
  it("map onto DataVaultError with code and status, and never contain secrets", async () => {
    const { store, vault, client } = setup();
    const other = client.getDataVaultStore("missing-store");
    const error = await other.getValue("k", { secret: SECRET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataVaultError);
    expect(error).toMatchObject({ code: "STORE_NOT_FOUND", status: 404 });

    const badKey = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: "dvk_wrong_key_material", fetch: vault.fetch });
    const unauth = await badKey.getDataVaultStore("oauth-tokens").setValue("k", "my-value-123", { secret: SECRET }).catch((e: unknown) => e);
    expect(unauth).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    for (const e of [error, unauth]) {
      const text = `${(e as Error).message} ${(e as Error).stack ?? ""} ${JSON.stringify(e)}`;
      for (const secret of [SECRET, "my-value-123", "dvk_wrong_key_material", vault.serverKey]) expect(text).not.toContain(secret);
    }

    vault.faults.push({ kind: "respond", response: { status: 403, body: { error: { code: "FORBIDDEN", message: "read-only key" } } } });
    await expect(store.setValue("k", "v", { secret: SECRET })).rejects.toMatchObject({ code: "FORBIDDEN", status: 403 });
    vault.faults.push({ kind: "respond", response: { status: 418, body: "<html>teapot</html>" } });
    await expect(store.getValue("k", { secret: SECRET })).rejects.toMatchObject({ code: "HTTP_ERROR", status: 418 });
    vault.faults.push({ kind: "respond", response: { status: 200, body: { nothing: true } } });
    await expect(store.getValue("k", { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_RESPONSE" });
  });
});
