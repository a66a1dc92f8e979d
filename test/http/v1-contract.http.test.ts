// The v1 contract (../shared/API.md) over real HTTP against the production
// build, on SQLite and on PostgreSQL: every endpoint, every error code,
// headers, limits, revocation and rate limiting.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { startTestServer, type Serving, type TestServer } from "@/test/server";
import { keyHash, makeProject, makeStoreAndKey, sleepUntil, TEST_ACTOR } from "@/test/fixtures";
import { createServerKey, revokeServerKey } from "@/lib/server-keys/service";
import { createStore } from "@/lib/vault/stores";

const MAX_VALUE = 4096;

// npm start's server (the lean path) on both databases, and plain `next
// start` (v1 through the route files) on SQLite: the same contract.
const RUNS: [Provider, Serving][] = [
  ["sqlite", "npm-start"],
  ["postgres", "npm-start"],
  ["sqlite", "next"],
];

for (const [provider, serving] of RUNS) {
  const pgUp = await postgresReachable();
  describe.skipIf(provider === "postgres" && !pgUp)(`v1 API over HTTP [${provider}, ${serving}]`, () => {
    let server: TestServer;
    let token: string;
    let projectId: string;
    let otherProjectToken: string;

    const call = async (method: string, path: string, opts: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {}) => {
      const headers: Record<string, string> = { ...opts.headers };
      const auth = opts.token === undefined ? token : opts.token;
      if (auth !== null) headers.authorization = `Bearer ${auth}`;
      if (opts.body !== undefined || opts.raw !== undefined) headers["content-type"] ??= "application/json";
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers,
        body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      });
      const text = await res.text();
      let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- response shapes vary per endpoint
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, json, text };
    };
    const entry = (k: string, store = "oauth-tokens") => `/api/v1/stores/${store}/entries/${k}`;
    const expectError = (r: { status: number; json: any }, status: number, code: string) => { // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      expect(r.json.error.code).toBe(code);
      expect(typeof r.json.error.message).toBe("string");
    };

    beforeAll(async () => {
      server = await startTestServer(
        provider,
        {
          VAULT_MAX_VALUE_SIZE: String(MAX_VALUE),
          VAULT_KEY_CACHE_SECONDS: "1",
          VAULT_RATE_LIMIT_PER_SECOND: "20",
          VAULT_RATE_LIMIT_BURST: "200",
        },
        serving,
      );
      const { project } = await makeProject();
      projectId = project.id;
      ({ token } = await makeStoreAndKey(projectId, "oauth-tokens"));
      await createStore(projectId, { storeId: "api-keys", displayName: "API keys" }, TEST_ACTOR);
      const { project: other } = await makeProject("other");
      ({ token: otherProjectToken } = await makeStoreAndKey(other.id, "theirs"));
    });
    afterAll(async () => {
      await server?.stop();
    });

    it("health answers without auth", async () => {
      const r = await call("GET", "/api/health", { token: null });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ status: "ok" });
      expect(r.headers.get("cache-control")).toBe("no-store");
    });

    it("PUT, GET, DELETE an entry with versions and timestamps", async () => {
      const k = keyHash();
      let r = await call("PUT", entry(k), { body: { value: "v1.ciphertext-one" } });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ version: 1, created: true });
      r = await call("PUT", entry(k), { body: { value: "v1.ciphertext-two", expiresAt: null } });
      expect(r.json).toEqual({ version: 2, created: false });
      r = await call("GET", entry(k));
      expect(r.status).toBe(200);
      expect(Object.keys(r.json).sort()).toEqual(["createdAt", "expiresAt", "updatedAt", "value", "version"]);
      expect(r.json).toMatchObject({ value: "v1.ciphertext-two", version: 2, expiresAt: null });
      expect(r.json.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(r.headers.get("cache-control")).toBe("no-store");
      expect(r.headers.get("content-type")).toMatch(/^application\/json/);
      r = await call("DELETE", entry(k));
      expect(r.json).toEqual({ deleted: true });
      expectError(await call("GET", entry(k)), 404, "ENTRY_NOT_FOUND");
      expectError(await call("DELETE", entry(k)), 404, "ENTRY_NOT_FOUND");
    });

    it("store info counts live entries", async () => {
      const before = (await call("GET", "/api/v1/stores/api-keys")).json.entryCount as number;
      await call("PUT", entry(keyHash(), "api-keys"), { body: { value: "x" } });
      await call("PUT", entry(keyHash(), "api-keys"), { body: { value: "y", expiresAt: new Date(Date.now() + 60_000).toISOString() } });
      const r = await call("GET", "/api/v1/stores/api-keys");
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ id: "api-keys", displayName: "API keys", entryCount: before + 2 });
      // API.md's four fields, and the generations extension (issue 14).
      expect(Object.keys(r.json).sort()).toEqual(["createdAt", "displayName", "entryCount", "generations", "id"]);
      expect(r.json.generations).toEqual([{ id: null, entryCount: r.json.entryCount }]);
    });

    it("ifVersion check-and-set: 0 means absent; mismatch is 409 and changes nothing", async () => {
      const k = keyHash();
      expect((await call("PUT", entry(k), { body: { value: "a", ifVersion: 0 } })).json).toEqual({ version: 1, created: true });
      expectError(await call("PUT", entry(k), { body: { value: "b", ifVersion: 0 } }), 409, "VERSION_CONFLICT");
      expectError(await call("PUT", entry(k), { body: { value: "b", ifVersion: 7 } }), 409, "VERSION_CONFLICT");
      expect((await call("GET", entry(k))).json).toMatchObject({ value: "a", version: 1 });
      expect((await call("PUT", entry(k), { body: { value: "c", ifVersion: 1 } })).json).toEqual({ version: 2, created: false });
      expectError(await call("DELETE", `${entry(k)}?ifVersion=1`), 409, "VERSION_CONFLICT");
      expect((await call("DELETE", `${entry(k)}?ifVersion=2`)).json).toEqual({ deleted: true });
    });

    it("expiresAt: the entry is absent after it passes", async () => {
      const k = keyHash();
      // Room for the write and the read back before the moment on a slow, loaded machine.
      const at = new Date(Date.now() + 5_000).toISOString();
      await call("PUT", entry(k), { body: { value: "short", expiresAt: at } });
      expect((await call("GET", entry(k))).json.expiresAt).toBe(at);
      await sleepUntil(new Date(at), 200);
      expectError(await call("GET", entry(k)), 404, "ENTRY_NOT_FOUND");
      const r = await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-get", { body: { keys: [k] } });
      expect(r.json.entries[k]).toBeNull();
      expectError(await call("PUT", entry(k), { body: { value: "x", expiresAt: "2001-01-01T00:00:00Z" } }), 400, "INVALID_REQUEST");
      expectError(await call("PUT", entry(k), { body: { value: "x", expiresAt: "tomorrow" } }), 400, "INVALID_REQUEST");
    });

    it("batch-set is atomic; batch-get maps misses to null", async () => {
      const [a, b, c] = [keyHash(), keyHash(), keyHash()];
      let r = await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-set", {
        body: { entries: [{ key: a, value: "A" }, { key: b, value: "B", expiresAt: null }] },
      });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ versions: { [a]: 1, [b]: 1 } });
      r = await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-get", { body: { keys: [a, b, c] } });
      expect(r.json.entries[a]).toMatchObject({ value: "A", version: 1 });
      expect(r.json.entries[b]).toMatchObject({ value: "B", version: 1 });
      expect(r.json.entries[c]).toBeNull();
      // One bad item rejects the whole batch: nothing of it is written.
      r = await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-set", {
        body: { entries: [{ key: c, value: "C" }, { key: a, value: "x".repeat(MAX_VALUE + 1) }] },
      });
      expectError(r, 413, "VALUE_TOO_LARGE");
      expectError(await call("GET", entry(c)), 404, "ENTRY_NOT_FOUND");
      expect((await call("GET", entry(a))).json.value).toBe("A");
      // Limits: 1 to 100 keys, no duplicates.
      expectError(await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-get", { body: { keys: [] } }), 400, "INVALID_REQUEST");
      const many = Array.from({ length: 101 }, keyHash);
      expectError(await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-get", { body: { keys: many } }), 400, "INVALID_REQUEST");
      expect((await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-get", { body: { keys: many.slice(0, 100) } })).status).toBe(200);
      expectError(await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-get", { body: { keys: [a, a] } }), 400, "INVALID_REQUEST");
      expectError(
        await call("POST", "/api/v1/stores/oauth-tokens/entries/batch-set", { body: { entries: [{ key: a, value: "1" }, { key: a, value: "2" }] } }),
        400,
        "INVALID_REQUEST",
      );
    });

    it("401 for missing, malformed, unknown and revoked keys", async () => {
      const path = entry(keyHash());
      expectError(await call("GET", path, { token: null }), 401, "UNAUTHENTICATED");
      expectError(await call("GET", path, { token: null, headers: { authorization: "Basic abc" } }), 401, "UNAUTHENTICATED");
      expectError(await call("GET", path, { token: "not-a-key" }), 401, "UNAUTHENTICATED");
      expectError(await call("GET", path, { token: `dvk_${"A".repeat(43)}` }), 401, "UNAUTHENTICATED");
      const { token: doomed, key } = await createServerKey(projectId, { name: "doomed", stores: null, readOnly: false }, TEST_ACTOR);
      expect((await call("GET", "/api/v1/stores/oauth-tokens", { token: doomed })).status).toBe(200);
      await revokeServerKey(projectId, key.id, TEST_ACTOR);
      await new Promise((r) => setTimeout(r, 1200)); // VAULT_KEY_CACHE_SECONDS=1 on this server
      const r = await call("GET", "/api/v1/stores/oauth-tokens", { token: doomed });
      expectError(r, 401, "UNAUTHENTICATED");
      expect(r.text).not.toContain(doomed);
    });

    it("403 for a key outside its stores or read-only on writes", async () => {
      const { token: scoped } = await createServerKey(projectId, { name: "scoped", stores: ["api-keys"], readOnly: false }, TEST_ACTOR);
      const { token: reader } = await createServerKey(projectId, { name: "reader", stores: null, readOnly: true }, TEST_ACTOR);
      const k = keyHash();
      expectError(await call("GET", entry(k), { token: scoped }), 403, "FORBIDDEN");
      expectError(await call("GET", "/api/v1/stores/oauth-tokens", { token: scoped }), 403, "FORBIDDEN");
      expect((await call("PUT", entry(k, "api-keys"), { token: scoped, body: { value: "ok" } })).status).toBe(200);
      expectError(await call("PUT", entry(k), { token: reader, body: { value: "no" } }), 403, "FORBIDDEN");
      expectError(await call("DELETE", entry(k, "api-keys"), { token: reader }), 403, "FORBIDDEN");
      expectError(await call("POST", "/api/v1/stores/api-keys/entries/batch-set", { token: reader, body: { entries: [{ key: k, value: "no" }] } }), 403, "FORBIDDEN");
      expect((await call("GET", entry(k, "api-keys"), { token: reader })).status).toBe(200);
      expect((await call("POST", "/api/v1/stores/api-keys/entries/batch-get", { token: reader, body: { keys: [k] } })).status).toBe(200);
    });

    it("404 STORE_NOT_FOUND for missing stores and other projects' stores", async () => {
      expectError(await call("GET", "/api/v1/stores/nope"), 404, "STORE_NOT_FOUND");
      expectError(await call("PUT", entry(keyHash(), "nope"), { body: { value: "x" } }), 404, "STORE_NOT_FOUND");
      expectError(await call("GET", "/api/v1/stores/theirs"), 404, "STORE_NOT_FOUND");
      expectError(await call("GET", "/api/v1/stores/oauth-tokens", { token: otherProjectToken }), 404, "STORE_NOT_FOUND");
      expectError(await call("POST", "/api/v1/stores/nope/entries/batch-get", { body: { keys: [keyHash()] } }), 404, "STORE_NOT_FOUND");
    });

    it("400 for bad ids, bad JSON and schema violations, with details", async () => {
      expectError(await call("GET", entry("short")), 400, "INVALID_REQUEST");
      expectError(await call("GET", entry(`${keyHash()}=`)), 400, "INVALID_REQUEST");
      expectError(await call("GET", "/api/v1/stores/-bad/entries/" + keyHash()), 400, "INVALID_REQUEST");
      expectError(await call("GET", `/api/v1/stores/${"a".repeat(64)}`), 400, "INVALID_REQUEST");
      expectError(await call("PUT", entry(keyHash()), { raw: "{not json" }), 400, "INVALID_REQUEST");
      expectError(await call("PUT", entry(keyHash()), { raw: "" }), 400, "INVALID_REQUEST");
      let r = await call("PUT", entry(keyHash()), { body: { value: 42 } });
      expectError(r, 400, "INVALID_REQUEST");
      expect(r.json.error.details[0].path).toBe("value");
      expectError(await call("PUT", entry(keyHash()), { body: { value: "" } }), 400, "INVALID_REQUEST");
      expectError(await call("PUT", entry(keyHash()), { body: { value: "x", ifVersion: -1 } }), 400, "INVALID_REQUEST");
      expectError(await call("PUT", entry(keyHash()), { body: { value: "x", ifVersion: 1.5 } }), 400, "INVALID_REQUEST");
      r = await call("PUT", entry(keyHash()), { body: { value: "x", expires_at: null } });
      expectError(r, 400, "INVALID_REQUEST");
      expectError(await call("PUT", entry(keyHash()), { body: ["value"] }), 400, "INVALID_REQUEST");
      expectError(await call("DELETE", `${entry(keyHash())}?ifVersion=abc`), 400, "INVALID_REQUEST");
    });

    it("413 for a value or a body over the limit, 415 for a body that is not JSON", async () => {
      const k = keyHash();
      expectError(await call("PUT", entry(k), { body: { value: "x".repeat(MAX_VALUE + 1) } }), 413, "VALUE_TOO_LARGE");
      expect((await call("PUT", entry(k), { body: { value: "x".repeat(MAX_VALUE) } })).status).toBe(200);
      expectError(await call("PUT", entry(k), { raw: JSON.stringify({ value: "y".repeat(200_000) }) }), 413, "VALUE_TOO_LARGE");
      expectError(await call("PUT", entry(k), { raw: JSON.stringify({ value: "z" }), headers: { "content-type": "text/plain" } }), 415, "UNSUPPORTED_MEDIA_TYPE");
      const r = await fetch(`${server.url}${entry(k)}`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body: "value=z" });
      expect(r.status).toBe(415);
      expect((await call("GET", entry(k))).json.value).toBe("x".repeat(MAX_VALUE));
    });

    it("429 with Retry-After when a key goes over its rate", async () => {
      const { token: busy } = await createServerKey(projectId, { name: "busy", stores: null, readOnly: true }, TEST_ACTOR);
      // Bursts of 100 concurrent requests until the 200-token bucket runs
      // dry: any machine that serves more than the 20/s refill gets there.
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let burst = 0; burst < 30 && retryAfter === null; burst++) {
        const results = await Promise.all(Array.from({ length: 100 }, () => call("GET", "/api/v1/stores/oauth-tokens", { token: busy })));
        for (const r of results) {
          statuses.push(r.status);
          if (r.status === 429 && retryAfter === null) {
            expectError(r, 429, "RATE_LIMITED");
            retryAfter = r.headers.get("retry-after");
          }
        }
      }
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      // Other keys are not affected.
      expect((await call("GET", "/api/v1/stores/oauth-tokens")).status).toBe(200);
    });

    it("no CORS, JSON errors for unknown paths and methods", async () => {
      const r = await call("GET", "/api/v1/stores/oauth-tokens", { headers: { origin: "https://evil.example" } });
      expect(r.headers.get("access-control-allow-origin")).toBeNull();
      const pre = await call("OPTIONS", "/api/v1/stores/oauth-tokens", { token: null, headers: { origin: "https://evil.example", "access-control-request-method": "GET" } });
      expect(pre.headers.get("access-control-allow-origin")).toBeNull();
      expect(pre.status).toBe(405);
      expectError(await call("GET", "/api/v1/nothing/here"), 404, "NOT_FOUND");
      expectError(await call("GET", "/api/v1"), 404, "NOT_FOUND");
      // A malformed percent-encoding is refused before routing (proxy.ts).
      expectError(await call("GET", "/api/v1/stores/%zz"), 400, "INVALID_REQUEST");
      expectError(await call("GET", `/api/v1/stores/oauth-tokens/entries/%FF%FE${"A".repeat(20)}`), 400, "INVALID_REQUEST");
      const m = await call("PATCH", entry(keyHash()), { body: { value: "x" } });
      expectError(m, 405, "METHOD_NOT_ALLOWED");
      expect(m.headers.get("allow")).toBe("GET, PUT, DELETE");
      expectError(await call("GET", "/api/v1/stores/oauth-tokens/entries/batch-get"), 405, "METHOD_NOT_ALLOWED");
    });

    it("never logs values, server keys or request bodies", async () => {
      const marker = `MARKER-${keyHash()}`;
      await call("PUT", entry(keyHash()), { body: { value: marker } });
      await call("PUT", entry("bad"), { body: { value: marker } });
      await call("PUT", entry(keyHash()), { raw: `{"value": "${marker}"` });
      const logs = server.logs();
      expect(logs).not.toContain(marker);
      expect(logs).not.toContain(token);
    });
  });
}
