// Access control over HTTP: every v1 route (and method) with no key, a bad
// key, a revoked key, an out-of-scope key, a read-only key and another
// project's key. Expected status and code for each; error bodies leak
// nothing (no token, no other project's store names, ids or values, and a
// foreign store answers exactly like a missing one); refused writes leave
// the database unchanged. The dashboard routes are covered by the
// dashboard's own membership tests, not here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { createServerKey, revokeServerKey } from "@/lib/server-keys/service";
import { createStore } from "@/lib/vault/stores";
import { api, dbChecksum, FULL, record, startCluster, type Cluster } from "./harness";

type Route = { name: string; method: string; path: (store: string) => string; body?: (k: string) => unknown; write: boolean };

function access(provider: Provider) {
  let cluster: Cluster;
  const t: Record<string, string | null> = {};
  const k = keyHash();
  const theirKey = keyHash();
  const secretsOfOthers: string[] = [];
  let ids: string[] = [];

  const routes: Route[] = [
    { name: "store info", method: "GET", path: (s) => `/api/v1/stores/${s}`, write: false },
    { name: "get entry", method: "GET", path: (s) => `/api/v1/stores/${s}/entries/${k}`, write: false },
    { name: "put entry", method: "PUT", path: (s) => `/api/v1/stores/${s}/entries/${k}`, body: () => ({ value: "v1.attempted-write" }), write: true },
    { name: "delete entry", method: "DELETE", path: (s) => `/api/v1/stores/${s}/entries/${k}`, write: true },
    { name: "batch-get", method: "POST", path: (s) => `/api/v1/stores/${s}/entries/batch-get`, body: (key) => ({ keys: [key] }), write: false },
    { name: "batch-set", method: "POST", path: (s) => `/api/v1/stores/${s}/entries/batch-set`, body: (key) => ({ entries: [{ key, value: "v1.attempted-write" }] }), write: true },
  ];

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, { VAULT_RATE_LIMIT_PER_SECOND: "0", VAULT_KEY_CACHE_SECONDS: "1" });
    const { project } = await makeProject("mine");
    ({ token: t.full } = await makeStoreAndKey(project.id, "s1"));
    await createStore(project.id, { storeId: "s2", displayName: "s2" }, TEST_ACTOR);
    ({ token: t.scoped } = await createServerKey(project.id, { name: "scoped", stores: ["s1"], readOnly: false }, TEST_ACTOR));
    ({ token: t.readOnly } = await createServerKey(project.id, { name: "ro", stores: null, readOnly: true }, TEST_ACTOR));
    const revoked = await createServerKey(project.id, { name: "revoked", stores: null, readOnly: false }, TEST_ACTOR);
    t.revoked = revoked.token;
    await revokeServerKey(project.id, revoked.key.id, TEST_ACTOR);
    t.none = null;
    t.bad = "dvk_" + "A".repeat(43);
    t.malformed = "not-a-key";
    const { project: other } = await makeProject("Their Secret Project Name");
    await createStore(other.id, { storeId: "theirs", displayName: "Their Confidential Store" }, TEST_ACTOR);
    ({ token: t.foreign } = await makeStoreAndKey(other.id, "theirs-too"));
    // Entries to find (or not).
    for (const s of ["s1", "s2"]) await api(cluster.url, "PUT", `/api/v1/stores/${s}/entries/${k}`, { token: t.full, body: { value: `v1.mine-${s}` } });
    await api(cluster.url, "PUT", `/api/v1/stores/theirs-too/entries/${theirKey}`, { token: t.foreign, body: { value: "v1.their-value" } });
    secretsOfOthers.push("Their Secret Project Name", "Their Confidential Store", "v1.their-value", other.id, theirKey);
    ids = [project.id, other.id];
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it("every route × every kind of key: expected status and code, nothing leaked, nothing written", async () => {
    const before = await dbChecksum();
    const cases: { who: string; store: string; expect: (r: Route) => [number, string] | "ok" }[] = [
      { who: "none", store: "s1", expect: () => [401, "UNAUTHENTICATED"] },
      { who: "bad", store: "s1", expect: () => [401, "UNAUTHENTICATED"] },
      { who: "malformed", store: "s1", expect: () => [401, "UNAUTHENTICATED"] },
      { who: "revoked", store: "s1", expect: () => [401, "UNAUTHENTICATED"] },
      { who: "scoped", store: "s2", expect: () => [403, "FORBIDDEN"] },
      { who: "scoped", store: "theirs", expect: () => [403, "FORBIDDEN"] },
      { who: "readOnly", store: "s1", expect: (r) => (r.write ? [403, "FORBIDDEN"] : "ok") },
      { who: "readOnly", store: "theirs", expect: (r) => (r.write ? [403, "FORBIDDEN"] : [404, "STORE_NOT_FOUND"]) },
      { who: "full", store: "theirs", expect: () => [404, "STORE_NOT_FOUND"] },
      { who: "full", store: "theirs-too", expect: () => [404, "STORE_NOT_FOUND"] },
      { who: "foreign", store: "s1", expect: () => [404, "STORE_NOT_FOUND"] },
      { who: "foreign", store: "s2", expect: () => [404, "STORE_NOT_FOUND"] },
    ];
    const results: string[] = [];
    const leaks: string[] = [];
    const mismatches: string[] = [];
    let checked = 0;
    for (const c of cases) {
      for (const r of routes) {
        const res = await api(cluster.url, r.method, r.path(c.store), { token: t[c.who], body: r.body?.(k) });
        checked++;
        const want = c.expect(r);
        const got = `${res.status} ${res.json?.error?.code ?? "ok"}`;
        results.push(`${c.who}@${c.store} ${r.name}: ${got}`);
        if (want === "ok") {
          if (res.status !== 200) mismatches.push(`${c.who}@${c.store} ${r.name}: ${got}, want 200`);
        } else if (res.status !== want[0] || res.json?.error?.code !== want[1]) mismatches.push(`${c.who}@${c.store} ${r.name}: ${got}, want ${want.join(" ")}`);
        if (res.status !== 200) {
          expect(Object.keys(res.json.error).filter((x) => x !== "details").sort()).toEqual(["code", "message"]);
          for (const s of [...Object.values(t).filter((x): x is string => !!x), ...secretsOfOthers, ...ids, "v1.mine-"]) if (res.text.includes(s)) leaks.push(`${c.who}@${c.store} ${r.name}: contains ${s.slice(0, 12)}…`);
        } else if (c.who === "foreign" || c.store.startsWith("theirs")) leaks.push(`${c.who}@${c.store} ${r.name}: success`);
      }
    }
    // A foreign store is indistinguishable from a missing one.
    const foreignStore = await api(cluster.url, "GET", "/api/v1/stores/theirs-too", { token: t.full });
    const missing = await api(cluster.url, "GET", "/api/v1/stores/never-existed", { token: t.full });
    expect(foreignStore.status).toBe(missing.status);
    expect(foreignStore.text.replace("theirs-too", "X")).toBe(missing.text.replace("never-existed", "X"));
    // Unknown paths and methods under /api/v1 are refused without a key too.
    for (const [m, p] of [["GET", "/api/v1/stores"], ["GET", "/api/v1/projects"], ["POST", `/api/v1/stores/s1/entries/${k}`], ["PATCH", "/api/v1/stores/s1"]] as const) {
      const res = await api(cluster.url, m, p, { token: null });
      expect([401, 404, 405]).toContain(res.status);
      expect(res.json.error.code).toMatch(/UNAUTHENTICATED|NOT_FOUND|METHOD_NOT_ALLOWED/);
    }
    const after = await dbChecksum();
    record(`access-${provider}`, { requests: checked, cases: cases.length, routes: routes.length, mismatches: mismatches.length, leaks: leaks.length, firstMismatches: mismatches.slice(0, 10), firstLeaks: leaks.slice(0, 10), databaseUnchanged: before.sum === after.sum });
    expect(mismatches).toEqual([]);
    expect(leaks).toEqual([]);
    // The only successful requests were the read-only key's reads.
    expect(after).toEqual(before);
  });
}

describe("access control [sqlite]", () => access("sqlite"));
const pgUp = await postgresReachable();
describe.skipIf(!FULL || !pgUp)("access control [postgres]", () => access("postgres"));
