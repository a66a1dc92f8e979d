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

const { chunk } = await import("../src/batching.js");
const { setup, SECRET } = await import("./helpers.js");

beforeEach(() => resetPbkdf2Stats());

const keys = (n: number, prefix = "k") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("batch calls", () => {
  it("derive in parallel and chunk to 100 keys per request", async () => {
    const { store, vault } = setup();
    await store.setValues(keys(201).map((k) => [k, `value of ${k}`] as const), { secret: SECRET });
    expect(pbkdf2Stats.calls).toBe(202); // and one for the secret's generation id
    expect(pbkdf2Stats.maxInFlight).toBeGreaterThan(1);
    const sets = vault.log.filter((r) => r.path.endsWith("/batch-set"));
    expect(sets.map((r) => JSON.parse(r.body).entries.length)).toEqual([100, 100, 1]);
    // Each batch-set is conditional on the versions one batch-get read just before.
    expect(vault.log.map((r) => r.path.split("/").pop())).toEqual(["batch-get", "batch-set", "batch-get", "batch-set", "batch-get", "batch-set"]);
    expect(sets.every((r) => JSON.parse(r.body).entries.every((e: { ifVersion: number }) => e.ifVersion === 0))).toBe(true);
    expect(vault.entryCount()).toBe(201);

    resetPbkdf2Stats();
    vault.log.length = 0;
    const values = await store.getValues([...keys(201), "missing"], { secret: SECRET });
    expect(pbkdf2Stats.calls).toBe(202);
    const gets = vault.log.filter((r) => r.path.endsWith("/batch-get"));
    expect(gets.map((r) => JSON.parse(r.body).keys.length)).toEqual([100, 100, 2]);
    expect(values.size).toBe(202);
    expect(values.get("k200")).toBe("value of k200");
    expect(values.get("missing")).toBeNull();
  }, 60_000);

  it("getValues reads duplicate keys once and keeps input order", async () => {
    const { store, vault } = setup();
    await store.setValue("b", "B", { secret: SECRET });
    resetPbkdf2Stats();
    const values = await store.getValues(["b", "a", "b", "b"], { secret: SECRET });
    expect([...values]).toEqual([["b", "B"], ["a", null]]);
    expect(pbkdf2Stats.calls).toBe(2);
    const body = JSON.parse(vault.log.at(-1)?.body ?? "{}");
    expect(body.keys).toHaveLength(2);
  });

  it("setValues rejects a repeated key before any work", async () => {
    const { store, vault } = setup();
    await expect(store.setValues([["a", "1"], ["a", "2"]], { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(vault.log).toHaveLength(0);
    expect(pbkdf2Stats.calls).toBe(0);
  });

  it("setValues accepts a Map and empty inputs cost nothing", async () => {
    const { store, vault } = setup();
    await store.setValues(new Map([["x", "1"], ["y", ""]]), { secret: SECRET });
    expect((await store.getValues(new Set(["x", "y"]), { secret: SECRET })).get("y")).toBe("");
    vault.log.length = 0;
    await store.setValues([], { secret: SECRET });
    expect((await store.getValues([], { secret: SECRET })).size).toBe(0);
    expect(vault.log).toHaveLength(0);
  });

  it("splits batch-set bodies that would exceed maxBatchBodyBytes", async () => {
    const { store, vault } = setup({ maxBatchBodyBytes: 3_000 });
    await store.setValues(keys(6).map((k) => [k, "x".repeat(900)] as const), { secret: SECRET });
    const sizes = vault.log.filter((r) => r.path.endsWith("/batch-set")).map((r) => r.body.length);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(3_000);
  });

  it("checks every value's size before the network", async () => {
    const { store, vault } = setup({ maxValueChars: 200 });
    await expect(store.setValues([["a", "ok"], ["b", "x".repeat(1_000)]], { secret: SECRET })).rejects.toMatchObject({ code: "VALUE_TOO_LARGE" });
    expect(vault.log).toHaveLength(0);
  });

  it("chunk() respects both the count and the size bound", () => {
    expect(chunk([1, 2, 3, 4, 5], 2).map((c) => c.length)).toEqual([2, 2, 1]);
    expect(chunk([5, 5, 5, 20, 1], 10, 10, (n) => n)).toEqual([[5, 5], [5], [20], [1]]);
  });

  it("split a batch-get the server finds too large until each part fits", async () => {
    const { store, vault } = setup();
    await store.setValues(keys(40).map((k) => [k, "x".repeat(1000)] as const), { secret: SECRET });
    vault.maxBatchAnswer = 12_000; // about 8 of these values per answer
    const values = await store.getValues(keys(40), { secret: SECRET });
    expect([...values.values()].every((v) => v === "x".repeat(1000))).toBe(true);
    const gets = vault.log.filter((r) => r.path.endsWith("/batch-get")).map((r) => JSON.parse(r.body).keys.length as number);
    // 40 refused, then halves until 5s fit: every key was asked for in a part that fit.
    expect(gets[0]).toBe(40);
    expect(Math.max(...gets.slice(1).filter((n) => n <= 8))).toBeLessThanOrEqual(8);
    expect(gets.filter((n) => n <= 8).reduce((a, b) => a + b, 0)).toBe(40);
  });

  it("read a single key whose answer is still too large with a plain GET", async () => {
    const { store, vault } = setup();
    await store.setValues(keys(3).map((k) => [k, "y".repeat(5000)] as const), { secret: SECRET });
    vault.maxBatchAnswer = 1000; // smaller than any one value
    const values = await store.getValues(keys(3), { secret: SECRET });
    expect([...values.values()]).toEqual(["y".repeat(5000), "y".repeat(5000), "y".repeat(5000)]);
    const singleGets = vault.log.filter((r) => r.method === "GET" && /\/entries\/[^/]+$/.test(r.path));
    expect(singleGets).toHaveLength(3);
  });
});

