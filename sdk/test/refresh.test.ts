// store.refresh() against the in-memory vault: one runner at a time, the
// others wait and share its value, fencing, failures release the lease,
// expiry hands the lease over. The multi-process test against the real
// server is test/http/refresh.http.test.ts.
import { describe, expect, it } from "vitest";
import { DataVaultClient, DataVaultError } from "../src/index.js";
import { deriveEntryKeys } from "../src/crypto/derive.js";
import { SECRET, setup } from "./helpers.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

/** A provider whose refresh tokens work once. */
function provider(first = "rt-0") {
  let current = first;
  let issued = 0;
  const dead: string[] = [];
  return {
    get current() {
      return current;
    },
    get issued() {
      return issued;
    },
    dead,
    async refresh(token: string | null): Promise<string> {
      await sleep(5);
      if (token !== current) {
        dead.push(String(token));
        throw new Error("invalid_grant");
      }
      current = `rt-${++issued}`;
      return current;
    },
  };
}

describe("refresh", () => {
  it("runs the function with the current value and writes its result, fenced, releasing the lease", async () => {
    const { store, vault } = setup();
    await store.setValue("gh:1", "rt-0", { secret: SECRET });
    vault.log.length = 0;
    const seen: Array<[string | null, number]> = [];
    const next = await store.refresh("gh:1", (current, info) => {
      seen.push([current, info.version]);
      return "rt-1";
    }, { secret: SECRET });
    expect(next).toBe("rt-1");
    expect(seen).toEqual([["rt-0", 1]]);
    // One round trip for the lease (with the entry), one for the fenced write.
    expect(vault.log.map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`)).toEqual([expect.stringMatching(/POST .*\/lease$/), expect.stringMatching(/^PUT /)]);
    expect(JSON.parse(vault.log[1]!.body)).toMatchObject({ ifVersion: 1, leaseToken: expect.any(String), releaseLease: true });
    expect(vault.leases.get("oauth-tokens")!.size).toBe(0);
    expect(await store.getEntry("gh:1", { secret: SECRET })).toMatchObject({ value: "rt-1", version: 2 });
  });

  it("works on an absent entry (the function gets null) and with an expiry from the function", async () => {
    const { store } = setup();
    expect(await store.refresh("new", (current) => ({ value: `from ${current}`, expiresAt: "2999-01-01T00:00:00Z" }), { secret: SECRET })).toBe("from null");
    expect(await store.getEntry("new", { secret: SECRET })).toMatchObject({ value: "from null", version: 1, expiresAt: "2999-01-01T00:00:00.000Z" });
  });

  it("50 concurrent callers without coalescing: one provider refresh per round, no dead token, everyone gets it", async () => {
    const { store } = setup({ cache: true });
    const p = provider();
    await store.setValue("gh:1", p.current, { secret: SECRET });
    let runs = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        store.refresh("gh:1", async (current) => {
          runs++;
          return p.refresh(current);
        }, { secret: SECRET, coalesce: false }),
      ),
    );
    expect(p.dead).toEqual([]);
    expect(runs).toBe(p.issued);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(new Set(results).size).toBeLessThanOrEqual(runs);
    expect(await store.getValue("gh:1", { secret: SECRET })).toBe(p.current);
  });

  it("coalesces concurrent calls in one process into one run", async () => {
    const { store, vault } = setup();
    const p = provider();
    await store.setValue("gh:1", p.current, { secret: SECRET });
    vault.log.length = 0;
    const results = await Promise.all(Array.from({ length: 20 }, () => store.refresh("gh:1", (c) => p.refresh(c), { secret: SECRET })));
    expect(p.issued).toBe(1);
    expect(new Set(results)).toEqual(new Set(["rt-1"]));
    expect(vault.log.filter((r) => r.path.endsWith("/lease"))).toHaveLength(1);
  });

  it("waiters return the holder's value without running their function", async () => {
    const { vault } = setup();
    const a = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch }).getDataVaultStore("oauth-tokens");
    const b = new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch }).getDataVaultStore("oauth-tokens");
    await a.setValue("k", "v0", { secret: SECRET });
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    let holding = false;
    const holder = a.refresh("k", async () => {
      holding = true;
      await gate;
      return "v1";
    }, { secret: SECRET });
    await until(() => holding);
    vault.log.length = 0;
    let waiterRan = false;
    const waiter = b.refresh("k", () => {
      waiterRan = true;
      return "never";
    }, { secret: SECRET });
    // The waiter has found the lease held (twice: it is polling).
    await until(() => vault.log.filter((r) => r.path.endsWith("/lease")).length >= 2);
    release();
    expect(await holder).toBe("v1");
    expect(await waiter).toBe("v1");
    expect(waiterRan).toBe(false);
  });

  it("a failing function releases the lease at once and the error reaches its caller only", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "v0", { secret: SECRET });
    await expect(store.refresh("k", () => {
      throw new Error("provider down");
    }, { secret: SECRET })).rejects.toThrow("provider down");
    expect(vault.leases.get("oauth-tokens")!.size).toBe(0);
    expect(await store.refresh("k", (c) => `${c}+1`, { secret: SECRET })).toBe("v0+1");
    // A result that is not a valid value is an error before any write.
    await expect(store.refresh("k", () => 42 as unknown as string, { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(await store.getValue("k", { secret: SECRET })).toBe("v0+1");
  });

  it("a dead holder's lease runs out and a waiter takes over; the holder's late write is fenced out", async () => {
    const { vault } = setup();
    const client = () => new DataVaultClient({ baseUrl: "http://vault.test", serverKey: vault.serverKey, fetch: vault.fetch }).getDataVaultStore("oauth-tokens");
    const a = client();
    const b = client();
    await a.setValue("k", "v0", { secret: SECRET });
    const { keyHash } = await deriveEntryKeys(SECRET, "oauth-tokens", "k");
    // The holder stalls (as if its process were frozen): renewals stop too.
    let stalled = true;
    vault.beforeHandle = async (request) => {
      if (stalled && request.path.endsWith("/lease") && JSON.parse(request.body).token !== undefined) await new Promise(() => {});
    };
    let holderSaw: AbortSignal | undefined;
    // The holder's function returns only once the waiter has taken over and
    // written (a fixed sleep would let a slow takeover lose the race to the
    // holder's write, which an expired lease nobody took over lets through).
    let takenOver: () => void = () => {};
    const afterTakeover = new Promise<void>((resolve) => (takenOver = resolve));
    const holder = a.refresh("k", async (_, info) => {
      holderSaw = info.signal;
      await afterTakeover;
      return "from the stalled holder";
    }, { secret: SECRET, leaseMs: 150 });
    await until(() => holderSaw !== undefined);
    // The holder's lease as the vault granted it (its renewals never arrive).
    const heldUntil = vault.leases.get("oauth-tokens")!.get(keyHash)!.expiresAt;
    const taker = await b.refresh("k", (current) => `taken over from ${current}`, { secret: SECRET, leaseMs: 1_000 }).finally(takenOver);
    expect(taker).toBe("taken over from v0");
    // Not before the holder's lease ran out.
    expect(Date.now()).toBeGreaterThanOrEqual(heldUntil);
    stalled = false;
    await expect(holder).rejects.toMatchObject({ code: "LEASE_LOST", status: 409 });
    expect(holderSaw?.aborted).toBe(false); // its renewals never answered: the fence decided
    expect(vault.stores.get("oauth-tokens")!.get(keyHash)).toMatchObject({ version: 2 });
    expect(await a.getValue("k", { secret: SECRET })).toBe("taken over from v0");
  });

  it("a renewal that finds the lease gone aborts the function's signal and nothing is written", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "v0", { secret: SECRET });
    const result = store.refresh("k", async (_, info) => {
      // Someone takes the lease away (as an expiry and takeover would).
      vault.leases.get("oauth-tokens")!.clear();
      await new Promise<void>((resolve) => info.signal.addEventListener("abort", () => resolve()));
      return "too late";
    }, { secret: SECRET, leaseMs: 150 });
    await expect(result).rejects.toMatchObject({ code: "LEASE_LOST" });
    expect(await store.getValue("k", { secret: SECRET })).toBe("v0");
  });

  it("gives up after waitMs with LEASE_TIMEOUT", async () => {
    const { store, vault } = setup();
    const { keyHash } = await deriveEntryKeys(SECRET, "oauth-tokens", "k");
    vault.leases.get("oauth-tokens")!.set(keyHash, { token: "someone-else-0000000000", expiresAt: Date.now() + 60_000 });
    const error = await store.refresh("k", () => "x", { secret: SECRET, waitMs: 200 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataVaultError);
    expect(error).toMatchObject({ code: "LEASE_TIMEOUT" });
  });

  it("does not start a refresh when the vault granted the lease slower than half of it (a waiter could take over)", async () => {
    const { store, vault } = setup();
    await store.setValue("k", "v0", { secret: SECRET });
    vault.beforeHandle = async (request) => {
      if (request.path.endsWith("/lease")) await sleep(120);
    };
    let ran = false;
    const error = await store.refresh("k", () => ((ran = true), "v1"), { secret: SECRET, leaseMs: 200 }).catch((e: unknown) => e);
    vault.beforeHandle = null;
    expect(error).toMatchObject({ code: "LEASE_TIMEOUT" });
    expect(ran).toBe(false);
    expect(vault.leases.get("oauth-tokens")!.size).toBe(0); // given back
    expect(await store.getValue("k", { secret: SECRET })).toBe("v0");
  });

  it("moves an entry from a previous secret before refreshing it", async () => {
    const { store } = setup();
    const OLD = "old-secret-0123456789-abcdefghijklmnopq";
    await store.setValue("k", "under old", { secret: OLD });
    expect(await store.refresh("k", (c) => `${c}, refreshed`, { secret: SECRET, previousSecrets: [OLD] })).toBe("under old, refreshed");
    expect(await store.getValue("k", { secret: OLD })).toBeNull();
  });

  it("validates its options before the network", async () => {
    const { store, vault } = setup();
    await expect(store.refresh("k", () => "x", { secret: SECRET, leaseMs: 10 })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(store.refresh("k", "nope" as never, { secret: SECRET })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    expect(vault.log).toHaveLength(0);
  });
});
