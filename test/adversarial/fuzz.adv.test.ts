// Bad input: thousands of generated malformed requests (seeded, so every run
// sends the same ones) against the v1 API of the production server. Zero
// 500s; every answer from the app is the contract's error shape with the
// status that matches its code (or a success shape for a request that
// happened to be a valid read); the database is byte-for-byte unchanged.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey, TEST_ACTOR } from "@/test/fixtures";
import { createServerKey } from "@/lib/server-keys/service";
import { api, dbChecksum, FULL, pool, prng, rawHttp, record, scaled, startCluster, type Cluster, type Prng } from "./harness";

const MAX_VALUE = 4096;
const MAX_BODY = MAX_VALUE + 64 * 1024;
const STATUS: Record<string, number> = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  STORE_NOT_FOUND: 404,
  ENTRY_NOT_FOUND: 404,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VERSION_CONFLICT: 409,
  VALUE_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
};

type Ctx = { token: string; readToken: string; keys: string[]; store: string };
type Req = {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Send over a raw socket exactly as built (abused headers, odd methods). */
  raw?: Buffer;
};

const GHOST = "ghost-store-that-does-not-exist";

function badIds(r: Prng, ctx: Ctx): string {
  const long = (n: number) => "a".repeat(n);
  const choices = [
    "",
    ".",
    "..",
    "%2e%2e",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "..%252F..%252F",
    "%2F",
    "%5C..%5C",
    "%00",
    `${ctx.store}%00`,
    `a%00b${r.b64url(20)}`,
    "%C0%AE%C0%AE",
    "%FF%FE",
    "%E2%80%AE" + r.b64url(20),
    encodeURIComponent("ストア") + r.b64url(16),
    encodeURIComponent("😀😀😀😀😀😀😀😀"),
    "-leading",
    "%20" + r.b64url(20),
    r.b64url(20) + "%20",
    "a.b",
    "__proto__",
    "constructor",
    "null",
    "undefined",
    "NaN",
    long(63),
    long(64),
    long(129),
    long(r.int(200, 6000)),
    r.b64url(15),
    r.b64url(r.int(1, 15)),
    r.b64url(20) + "==",
    r.b64url(20) + "+/",
    "%25",
    "%",
    "%zz",
    "%3Cscript%3E",
    "';DROP%20TABLE%20Entry;--",
    "*",
    "%2A",
    "{{7*7}}",
    r.b64url(r.int(16, 40)),
    ctx.keys[r.int(0, ctx.keys.length - 1)]!,
    "batch-get",
    "batch-set",
  ];
  return r.pick(choices);
}

function badJsonBodies(r: Prng, k: string): string[] {
  const v = "v1." + r.b64url(40);
  return [
    "",
    " ",
    "{",
    "}",
    "[",
    '{"value":',
    '{"value":"x"',
    "{'value':'x'}",
    '{"value":"x",}',
    "null",
    "true",
    "0",
    "-1",
    '"string"',
    "[]",
    "{}",
    '{"value":null}',
    '{"value":1}',
    '{"value":-1e309}',
    '{"value":1e999}',
    '{"value":true}',
    '{"value":[]}',
    '{"value":{}}',
    '{"value":""}',
    `{"value":"${v}","ifVersion":-1}`,
    `{"value":"${v}","ifVersion":1.5}`,
    `{"value":"${v}","ifVersion":"1"}`,
    `{"value":"${v}","ifVersion":1e400}`,
    `{"value":"${v}","ifVersion":9007199254740993}`,
    `{"value":"${v}","ifVersion":-0.0000001}`,
    `{"value":"${v}","ifVersion":null,"expiresAt":"yesterday"}`,
    `{"value":"${v}","expiresAt":"2020-13-45T99:99:99Z"}`,
    `{"value":"${v}","expiresAt":12345}`,
    `{"value":"${v}","expiresAt":true}`,
    `{"value":"${v}","expiresAt":"${"9".repeat(5000)}"}`,
    `{"value":"${"x".repeat(MAX_VALUE + 1)}"}`,
    `{"value":"${v}\u0000"`,
    `\u0000{"value":"${v}"}`,
    `{"value":"\\ud800"`,
    '{"__proto__":{"value":"x"}}',
    '{"constructor":{"prototype":{"value":"x"}}}',
    `{"keys":"${k}"}`,
    '{"keys":[]}',
    `{"keys":[${Array.from({ length: 101 }, () => `"${r.b64url(24)}"`).join(",")}]}`,
    `{"keys":["${k}","${k}"]}`,
    '{"keys":[1,2,3]}',
    '{"keys":[null]}',
    `{"keys":["${"\u0000".repeat(20)}"]}`,
    '{"entries":{}}',
    '{"entries":[]}',
    `{"entries":[{"key":"${k}","value":"a"},{"key":"${k}","value":"b"}]}`,
    `{"entries":[{"key":"short","value":"a"}]}`,
    `{"entries":[{"key":"${k}","value":""}]}`,
    `{"entries":[{"key":"${k}","value":1}]}`,
    `{"entries":[{"key":"${k}"}]}`,
    `{"entries":[{"key":"${k}","value":"x","expiresAt":"never"}]}`,
    `{"entries":[${Array.from({ length: 101 }, () => `{"key":"${r.b64url(24)}","value":"v"}`).join(",")}]}`,
    `{"entries":[{"key":"${k}","value":"${"y".repeat(MAX_VALUE + 1)}"}]}`,
    "[".repeat(5000) + "]".repeat(5000),
    '{"a":'.repeat(3000) + "1" + "}".repeat(3000),
  ];
}

function generate(r: Prng, ctx: Ctx, i: number): Req {
  const k = ctx.keys[r.int(0, ctx.keys.length - 1)]!;
  const auth = { authorization: `Bearer ${ctx.token}` };
  const kind = r.pick(["path", "path", "body", "body", "body", "ctype", "auth", "raw", "oversize", "method"] as const);
  const entryPath = (s: string, h: string) => `/api/v1/stores/${s}/entries/${h}`;
  switch (kind) {
    case "path": {
      // Fuzzed ids on every route. Writes never reach the real store.
      const method = r.pick(["GET", "GET", "PUT", "DELETE", "POST", "PATCH", "OPTIONS"]);
      let store = r.chance(0.5) ? badIds(r, ctx) : r.chance(0.5) ? ctx.store : GHOST;
      const id = r.chance(0.7) ? badIds(r, ctx) : keyHash();
      if (method !== "GET" && store === ctx.store) store = GHOST;
      const route = r.pick([
        () => `/api/v1/stores/${store}`,
        () => entryPath(store, id),
        () => `/api/v1/stores/${store}/entries/batch-get`,
        () => `/api/v1/stores/${store}/entries/batch-set`,
        () => `/api/v1/stores/${store}/entries`,
        () => `/api/v1/stores/${store}/entries/${id}/${badIds(r, ctx)}`,
        () => `/api/v1/stores`,
        () => `/api/v1/${badIds(r, ctx)}`,
        () => `${entryPath(store, id)}?ifVersion=${r.pick(["-1", "1.5", "abc", "1e3", "", "99999999999999999999", "%00"])}`,
      ])();
      const withBody = method !== "GET" && r.chance(0.7);
      const body = withBody ? r.pick(badJsonBodies(r, k)) : undefined;
      return { kind, method, path: route, headers: { ...auth, ...(withBody ? { "content-type": "application/json" } : {}) }, body };
    }
    case "body": {
      // Malformed or ill-typed JSON at the real store: must all be refused.
      const route = r.pick([entryPath(ctx.store, k), entryPath(ctx.store, keyHash()), `/api/v1/stores/${ctx.store}/entries/batch-set`, `/api/v1/stores/${ctx.store}/entries/batch-get`]);
      const method = route.endsWith("batch-get") || route.endsWith("batch-set") ? "POST" : "PUT";
      // None of these is a valid write (a valid batch-get is a read).
      const body = r.pick(badJsonBodies(r, k));
      return { kind, method, path: route, headers: { ...auth, "content-type": "application/json" }, body };
    }
    case "ctype": {
      // A valid body with a wrong or missing media type: 415, nothing written.
      const ct = r.pick([null, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx", "application/json-patch+json", "json", "application", "text/json", "APPLICATION/XML", "application/json\u0000", "*/*", ""]);
      const body = JSON.stringify({ value: "v1." + r.b64url(30) });
      const headers: Record<string, string> = { ...auth };
      if (ct !== null) headers["content-type"] = ct;
      if (ct?.includes("\u0000")) {
        return { kind, method: "PUT", path: entryPath(ctx.store, k), headers, body, raw: rawRequest("PUT", entryPath(ctx.store, k), [["authorization", auth.authorization], ["content-type", ct], ["content-length", String(Buffer.byteLength(body))]], body) };
      }
      return { kind, method: "PUT", path: entryPath(ctx.store, k), headers, body };
    }
    case "auth": {
      const bad = r.pick([
        "",
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        `Bearer ${ctx.token}x`,
        `Bearer ${ctx.token.slice(0, -1)}`,
        `bearer  ${ctx.token}`,
        `Bearer ${ctx.token} ${ctx.token}`,
        `Bearer ${"A".repeat(r.int(100, 7000))}`,
        `Bearer ${r.b64url(40)}`,
        "Bearer null",
        "Bearer %00",
        `Token ${ctx.token}`,
        `Bearer ${ctx.readToken}`, // valid read-only key: writes are 403, reads may succeed
      ]);
      const method = r.pick(["GET", "PUT", "DELETE", "POST"]);
      const route = method === "POST" ? `/api/v1/stores/${ctx.store}/entries/batch-set` : method === "GET" ? entryPath(ctx.store, k) : entryPath(ctx.store, k);
      const body = method === "PUT" ? JSON.stringify({ value: "v1.would-overwrite" }) : method === "POST" ? JSON.stringify({ entries: [{ key: k, value: "v1.would-overwrite" }] }) : undefined;
      const headers: Record<string, string> = bad === "" ? {} : { authorization: bad };
      if (body) headers["content-type"] = "application/json";
      return { kind, method, path: route, headers, body };
    }
    case "raw": {
      // Abused headers fetch will not send: duplicate / huge / NUL
      // Authorization, lying or malformed Content-Length, smuggling shapes.
      const p = r.chance(0.5) ? entryPath(ctx.store, k) : entryPath(GHOST, keyHash());
      const body = JSON.stringify({ value: "v1." + r.b64url(20) });
      const len = String(Buffer.byteLength(body));
      const variants: [string, Array<[string, string]>, string, boolean][] = [
        // [method, headers, body, writes-to-real-store-possible]
        ["GET", [["authorization", auth.authorization], ["authorization", "Bearer bad"]], "", false],
        ["GET", [["authorization", "Bearer bad"], ["authorization", auth.authorization]], "", false],
        ["GET", [["authorization", `Bearer ${"x".repeat(r.int(9000, 70000))}`]], "", false],
        ["GET", [["authorization", `Bearer ${ctx.token}\u0000`]], "", false],
        ["GET", [["authorization", `Bearer\t${ctx.token}`]], "", false],
        ["GET", [["authorization", auth.authorization], ["x-junk", "y".repeat(r.int(1000, 40000))]], "", false],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", "-1"]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", "abc"]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", "1e3"]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", len], ["content-length", String(Number(len) + 1)]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", "99999999999999999999"]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", String(MAX_BODY * 100)]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", "5"]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["transfer-encoding", "chunked"], ["content-length", len]], body, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["transfer-encoding", "gzip, chunked"]], "zz\r\n", true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["transfer-encoding", "chunked"]], "fffffffffffffff\r\nabc\r\n0\r\n\r\n", true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["transfer-encoding", "chunked"]], `${(MAX_BODY + 10).toString(16)}\r\n${"z".repeat(MAX_BODY + 10)}\r\n0\r\n\r\n`, true],
        ["PUT", [["authorization", auth.authorization], ["content-type", "application/json"], ["content-length", String(Buffer.byteLength(body) - 3)]], body, true],
        ["GET", [["authorization", auth.authorization], ["host", "evil.example"], ["host", "other.example"]], "", false],
        ["GET", [["authorization", auth.authorization], ["x-forwarded-for", "%00"], ["x-middleware-subrequest", "middleware:middleware:middleware:middleware:middleware"]], "", false],
      ];
      const [method0, hdrs, b, writes] = r.pick(variants);
      let method = method0;
      let target = p;
      if (writes && p.includes(`/${ctx.store}/`)) target = entryPath(GHOST, keyHash());
      if (r.chance(0.1)) method = r.pick(["FOO", "PROPFIND", "TRACE", "CONNECT", "M-SEARCH", "GET\u0000", "get", "PURGE", "LOCK"]);
      return { kind, method, path: target, headers: {}, raw: rawRequest(method, target, hdrs, b) };
    }
    case "oversize": {
      const n = r.pick([MAX_VALUE + 1, MAX_BODY + 1, MAX_BODY * 2, 3 * 1024 * 1024]);
      const route = r.pick([entryPath(ctx.store, k), `/api/v1/stores/${ctx.store}/entries/batch-set`, `/api/v1/stores/${ctx.store}/entries/batch-get`]);
      const method = route.endsWith("batch-get") || route.endsWith("batch-set") ? "POST" : "PUT";
      const body = route.endsWith("batch-set")
        ? JSON.stringify({ entries: [{ key: k, value: "q".repeat(n) }] })
        : route.endsWith("batch-get")
          ? JSON.stringify({ keys: [k], pad: "p".repeat(n) })
          : JSON.stringify({ value: "q".repeat(n) });
      return { kind, method, path: route, headers: { ...auth, "content-type": "application/json" }, body };
    }
    case "method": {
      const method = r.pick(["PATCH", "OPTIONS", "POST", "PUT", "DELETE", "HEAD", "QUERY", "FOO", "TRACE", "PROPFIND", "SEARCH"]);
      const route = r.pick([`/api/v1/stores/${ctx.store}`, entryPath(method === "GET" || method === "HEAD" ? ctx.store : GHOST, k), `/api/v1/stores/${ctx.store}/entries/batch-get`, `/api/v1/stores/${GHOST}/entries/batch-set`, `/api/v1/openapi.json`]);
      // Writes to the real store only through methods the store route refuses.
      const safe = route === `/api/v1/stores/${ctx.store}` || route.endsWith("batch-get") || route.endsWith("openapi.json") || route.includes(GHOST) ? route : entryPath(GHOST, k);
      const path = method === "PUT" || method === "DELETE" ? safe.replace(`/stores/${ctx.store}/entries/${k}`, `/stores/${GHOST}/entries/${k}`) : safe;
      const hdrs: Array<[string, string]> = [["authorization", auth.authorization]];
      return { kind, method, path, headers: {}, raw: rawRequest(method, path, hdrs, "") };
    }
  }
  throw new Error(`unreachable ${i}`);
}

function rawRequest(method: string, p: string, headers: Array<[string, string]>, body: string): Buffer {
  const hasLen = headers.some(([h]) => h === "content-length" || h === "transfer-encoding");
  const lines = [`${method} ${p} HTTP/1.1`, "host: 127.0.0.1", "connection: close", ...headers.map(([h, v]) => `${h}: ${v}`)];
  if (!hasLen && body) lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), Buffer.from(body)]);
}

/** Live tokens of the run: no response may contain one. */
const SECRET_TOKENS: string[] = [];

type Outcome = "left-v1" | "app-error" | "app-success" | "node-reject" | "no-response" | "known-trace" | "bad";

function judge(req: Req, status: number | null, text: string, contentType: string): { outcome: Outcome; why?: string } {
  if (status === null) return { outcome: "no-response" };
  // fetch resolves dot segments (also %2e%2e) before sending: such a request
  // may leave /api/v1 altogether and is then not a v1 request.
  if (!req.raw && !new URL(`http://h${req.path}`).pathname.startsWith("/api/v1/")) return { outcome: "left-v1" };
  // Open finding F2 (docs/reliability.md): Next.js itself answers TRACE with
  // a bare 500 before any app code runs. Counted and reported, not hidden.
  if (status === 500 && req.method.toUpperCase() === "TRACE") return { outcome: "known-trace" };
  if (status >= 500) return { outcome: "bad", why: `status ${status}` };
  const isJson = /^application\/json/.test(contentType);
  if (!isJson) {
    // Node's HTTP parser refuses malformed requests before the app runs
    // (400/413/431 with an empty body and Connection: close).
    if ([400, 413, 431, 505].includes(status) && text === "" && req.raw) return { outcome: "node-reject" };
    if (req.method === "HEAD" && text === "") return { outcome: status === 200 ? "app-success" : "app-error" };
    return { outcome: "bad", why: `non-JSON ${status} ${contentType} ${text.slice(0, 120)}` };
  }
  if (req.method === "HEAD") return { outcome: status === 200 ? "app-success" : "app-error" };
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = JSON.parse(text);
  } catch {
    return { outcome: "bad", why: `unparsable JSON body ${text.slice(0, 80)}` };
  }
  if (status === 200) {
    // Only reads may succeed (writes never target the real store validly).
    if (!["GET", "POST"].includes(req.method) || (req.method === "POST" && !req.path.includes("batch-get"))) {
      return { outcome: "bad", why: `unexpected success of ${req.method} ${req.path}` };
    }
    if (json && typeof json === "object" && !("error" in json)) return { outcome: "app-success" };
    return { outcome: "bad", why: "200 with an error body" };
  }
  const e = json?.error;
  if (!e || typeof e.code !== "string" || typeof e.message !== "string") return { outcome: "bad", why: `shape ${text.slice(0, 120)}` };
  const keys = Object.keys(e).filter((x) => x !== "details");
  if (keys.length !== 2) return { outcome: "bad", why: `extra error fields ${keys}` };
  if (STATUS[e.code] !== status) return { outcome: "bad", why: `code ${e.code} with status ${status}` };
  if (/v1\.would-overwrite|dvk_|\bstack\b|at .*\.js:/.test(text) || (SECRET_TOKENS.some((t) => text.includes(t)))) return { outcome: "bad", why: `leaky message ${text.slice(0, 160)}` };
  return { outcome: "app-error" };
}

async function fuzz(provider: Provider, count: number, seed: number) {
  let cluster: Cluster;
  const ctx = {} as Ctx;
  beforeAll(async () => {
    cluster = await startCluster(provider, 1, { VAULT_MAX_VALUE_SIZE: String(MAX_VALUE), VAULT_RATE_LIMIT_PER_SECOND: "0" });
    const { project } = await makeProject();
    ctx.store = "fuzz";
    ({ token: ctx.token } = await makeStoreAndKey(project.id, ctx.store));
    ({ token: ctx.readToken } = await createServerKey(project.id, { name: "ro", stores: null, readOnly: true }, TEST_ACTOR));
    SECRET_TOKENS.push(ctx.token, ctx.readToken);
    ctx.keys = Array.from({ length: 40 }, () => keyHash());
    await api(cluster.url, "POST", `/api/v1/stores/${ctx.store}/entries/batch-set`, {
      token: ctx.token,
      body: { entries: ctx.keys.map((key, i) => ({ key, value: `v1.preloaded-${i}` })) },
    });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(`${count} malformed requests: zero 500s, contract shapes, database unchanged`, async () => {
    const before = await dbChecksum();
    expect(before.entries).toBe(40);
    const r = prng(seed);
    const reqs = Array.from({ length: count }, (_, i) => generate(r, ctx, i));
    const tally: Record<string, number> = {};
    const statuses: Record<string, number> = {};
    const bad: string[] = [];
    const t0 = Date.now();
    await pool(reqs.length, 16, async (i) => {
      const req = reqs[i]!;
      let status: number | null = null;
      let text = "";
      let ct = "";
      if (req.raw) {
        const res = await rawHttp(cluster.url, req.raw);
        if (res) {
          status = res.status;
          text = res.body;
          ct = res.headers["content-type"] ?? "";
        }
      } else {
        try {
          const res = await fetch(`${cluster.url}${req.path}`, { method: req.method, headers: req.headers, body: req.body as string | undefined });
          status = res.status;
          text = await res.text();
          ct = res.headers.get("content-type") ?? "";
        } catch (error) {
          bad.push(`#${i} ${req.kind} ${req.method} ${req.path.slice(0, 100)}: fetch failed ${(error as Error).message}`);
          return;
        }
      }
      const { outcome, why } = judge(req, status, text, ct);
      tally[outcome] = (tally[outcome] ?? 0) + 1;
      statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
      if (outcome === "bad") bad.push(`#${i} ${req.kind} ${req.method} ${req.path.slice(0, 100)}: ${why}`);
    });
    const seconds = (Date.now() - t0) / 1000;
    const after = await dbChecksum();
    const kinds: Record<string, number> = {};
    for (const q of reqs) kinds[q.kind] = (kinds[q.kind] ?? 0) + 1;
    record(`fuzz-${provider}`, {
      requests: count,
      seed,
      seconds,
      kinds,
      outcomes: tally,
      statuses,
      status500: statuses["500"] ?? 0,
      violations: bad.length,
      violationGroups: Object.fromEntries(
        Object.entries(
          bad.reduce<Record<string, number>>((a, b) => {
            const g = b.replace(/^#\d+ /, "").replace(/ \/api\S*/, "").replace(/\{.*$/, "").slice(0, 60);
            a[g] = (a[g] ?? 0) + 1;
            return a;
          }, {}),
        ),
      ),
      firstViolations: bad.slice(0, 10),
      nonJsonExamples: bad.filter((b) => b.includes("non-JSON")).slice(0, 5),
      checksumBefore: before.sum,
      checksumAfter: after.sum,
      serverAlive: cluster.instances[0]!.child!.exitCode === null,
    });
    expect(bad.slice(0, 20)).toEqual([]);
    expect((statuses["500"] ?? 0) - (tally["known-trace"] ?? 0)).toBe(0);
    expect(after).toEqual(before);
    expect((await fetch(`${cluster.url}/api/health`)).status).toBe(200);
  });
}

describe("fuzz [sqlite]", () => fuzz("sqlite", scaled(1_500, 10_000), 0xda7a));
const pgUp = await postgresReachable();
describe.skipIf(!FULL || !pgUp)("fuzz [postgres]", () => fuzz("postgres", 3_000, 0xbeef));
