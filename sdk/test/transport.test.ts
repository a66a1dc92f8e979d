import { describe, expect, it } from "vitest";
import { DataVaultNetworkError, DataVaultTimeoutError } from "../src/index.js";
import { backoffDelayMs, parseRetryAfterMs } from "../src/http/backoff.js";
import { setup, SECRET } from "./helpers.js";

const unavailable = { kind: "respond", response: { status: 503, body: { error: { code: "INTERNAL", message: "down" } } } } as const;
const rateLimited = (retryAfter: string) =>
  ({ kind: "respond", response: { status: 429, headers: { "retry-after": retryAfter }, body: { error: { code: "RATE_LIMITED", message: "slow down" } } } }) as const;

describe("retries", () => {
  it("retries GET on 5xx and network errors, then succeeds", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "v", { secret: SECRET });
    vault.log.length = 0;
    vault.faults.push(unavailable, { kind: "network" });
    expect(await store.getValue("k", { secret: SECRET })).toBe("v");
    expect(vault.log).toHaveLength(3);
  });

  it("gives up after `retries` extra attempts with the last error", async () => {
    const { store, vault } = setup({ retries: 2 });
    vault.faults.push(unavailable, unavailable, unavailable, unavailable);
    await expect(store.getValue("k", { secret: SECRET })).rejects.toMatchObject({ code: "INTERNAL", status: 503 });
    expect(vault.log).toHaveLength(3);
    vault.faults.length = 0;
    vault.faults.push({ kind: "network" }, { kind: "network" }, { kind: "network" });
    await expect(store.getValue("k", { secret: SECRET })).rejects.toBeInstanceOf(DataVaultNetworkError);
  });

  /** The next PUT gets this fault (the GET before a plain write must not take it). */
  const onNextPut = (vault: ReturnType<typeof setup>["vault"], fault: (typeof vault.faults)[number]) => {
    vault.beforeHandle = (request) => {
      if (request.method !== "PUT") return;
      vault.beforeHandle = null;
      vault.faults.unshift(fault);
    };
  };
  const methods = (vault: ReturnType<typeof setup>["vault"]) => vault.log.map((r) => r.method);

  it("a PUT whose answer was lost is read back, not repeated: it had landed", async () => {
    const { store, vault } = setup();
    onNextPut(vault, { kind: "lose-response" });
    await store.setValue("k", "v", { secret: SECRET });
    expect(methods(vault)).toEqual(["GET", "PUT", "GET"]);
    expect(await store.getValue("k", { secret: SECRET })).toBe("v");
    expect(vault.stores.get("oauth-tokens")?.values().next().value?.version).toBe(1);
  });

  it("a check-and-set PUT is never repeated blindly: repeated only once a read shows it did not land", async () => {
    const { store, vault } = setup();
    onNextPut(vault, { kind: "lose-response" });
    // The write happened: the read-back sees our ciphertext, so no VERSION_CONFLICT.
    await store.setValue("k", "v", { secret: SECRET, ifVersion: 0 });
    expect(methods(vault)).toEqual(["PUT", "GET"]);
    vault.log.length = 0;
    onNextPut(vault, unavailable);
    await store.setValue("k", "w", { secret: SECRET, ifVersion: 1 });
    expect(methods(vault)).toEqual(["PUT", "GET", "PUT"]);
    expect(await store.getEntry("k", { secret: SECRET })).toMatchObject({ value: "w", version: 2 });
    // Another write landed between the lost answer and the read-back: a conflict, reported as such.
    vault.log.length = 0;
    vault.beforeHandle = async (request) => {
      if (request.method !== "PUT") return;
      vault.beforeHandle = null;
      vault.faults.unshift(unavailable);
      await store.setValue("k", "x", { secret: SECRET });
    };
    await expect(store.setValue("k", "y", { secret: SECRET, ifVersion: 2 })).rejects.toMatchObject({ code: "VERSION_CONFLICT" });
    expect(await store.getValue("k", { secret: SECRET })).toBe("x");
    // Unreachable for the read-back too: the original error.
    vault.faults.push({ kind: "network" }, { kind: "network" }, { kind: "network" }, { kind: "network" });
    await expect(store.setValue("k", "z", { secret: SECRET, ifVersion: 3 })).rejects.toBeInstanceOf(DataVaultNetworkError);
  });

  it("retries even a check-and-set PUT on 429: the server refused it before running it", async () => {
    const { store, vault } = setup();
    vault.faults.push(rateLimited("0"));
    await store.setValue("k", "v", { secret: SECRET, ifVersion: 0 });
    expect(vault.log.filter((r) => r.method === "PUT")).toHaveLength(2);
  });

  it("waits as long as Retry-After says", async () => {
    const { store, vault } = setup();
    vault.faults.push(rateLimited("1"));
    const started = performance.now();
    expect(await store.getValue("k", { secret: SECRET })).toBeNull();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(990);
  });

  it("fails at once with retryAfterMs when Retry-After exceeds maxRetryAfterMs", async () => {
    const { store, vault } = setup({ maxRetryAfterMs: 5_000 });
    vault.faults.push(rateLimited("120"));
    await expect(store.getValue("k", { secret: SECRET })).rejects.toMatchObject({ code: "RATE_LIMITED", status: 429, retryAfterMs: 120_000 });
    expect(vault.log).toHaveLength(1);
  });

  it("does not retry 4xx answers", async () => {
    const { store, vault } = setup();
    vault.faults.push({ kind: "respond", response: { status: 400, body: { error: { code: "INVALID_REQUEST", message: "no" } } } });
    await expect(store.getValue("k", { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_REQUEST" });
    expect(vault.log).toHaveLength(1);
  });

  it("retries: 0 makes one attempt only", async () => {
    const { store, vault } = setup({ retries: 0 });
    vault.faults.push(unavailable);
    await expect(store.getValue("k", { secret: SECRET })).rejects.toMatchObject({ status: 503 });
    expect(vault.log).toHaveLength(1);
  });
});

describe("timeouts", () => {
  it("aborts an attempt after timeoutMs with a distinct timeout error, retrying where safe", async () => {
    const { store, vault } = setup({ timeoutMs: 50, retries: 1 });
    vault.faults.push({ kind: "hang" }, { kind: "hang" });
    const started = performance.now();
    const error = await store.getValue("k", { secret: SECRET }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataVaultTimeoutError);
    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(vault.log).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("holds even when an injected fetch ignores the abort signal", async () => {
    const never = () => new Promise<Response>(() => {});
    const { store } = setup({ timeoutMs: 30, retries: 0, fetch: never });
    await expect(store.getValue("k", { secret: SECRET })).rejects.toBeInstanceOf(DataVaultTimeoutError);
  });

  it("recovers when the retry answers in time", async () => {
    const { store, vault } = setup({ timeoutMs: 50, retries: 1 });
    vault.faults.push({ kind: "hang" });
    expect(await store.getValue("k", { secret: SECRET })).toBeNull();
  });
});

describe("backoff", () => {
  it("grows exponentially with jitter and stays under the cap", () => {
    expect(backoffDelayMs(0, 100, 2_000, () => 0)).toBe(50);
    expect(backoffDelayMs(0, 100, 2_000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 2_000, () => 0)).toBe(400);
    expect(backoffDelayMs(10, 100, 2_000, () => 1)).toBe(2_000);
    const samples = new Set(Array.from({ length: 20 }, () => backoffDelayMs(2, 100, 2_000)));
    expect(samples.size).toBeGreaterThan(1);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfterMs("3")).toBe(3_000);
    expect(parseRetryAfterMs(null)).toBeUndefined();
    expect(parseRetryAfterMs("soon")).toBeUndefined();
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfterMs("Tue, 01 Jan 2030 00:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfterMs("Tue, 01 Jan 2030 00:00:00 GMT", now + 10_000)).toBe(0);
  });
});
