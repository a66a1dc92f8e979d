// Real route handlers, called in-process with real Requests on real SQLite
// and PostgreSQL: every response (each success and each error we can
// trigger) must match the served OpenAPI document for its status.
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey } from "@/test/fixtures";
import { getDb } from "@/lib/db/client";
import { getConfig, resetConfigForTests } from "@/lib/config";
import * as storeRoute from "@/app/api/v1/stores/[storeId]/route";
import * as entryRoute from "@/app/api/v1/stores/[storeId]/entries/[keyHash]/route";
import * as batchGetRoute from "@/app/api/v1/stores/[storeId]/entries/batch-get/route";
import * as batchSetRoute from "@/app/api/v1/stores/[storeId]/entries/batch-set/route";
import * as leaseRoute from "@/app/api/v1/stores/[storeId]/entries/[keyHash]/lease/route";
import * as releaseRoute from "@/app/api/v1/stores/[storeId]/entries/[keyHash]/lease/release/route";
import * as unknownPathRoute from "@/app/api/v1/[[...path]]/route";
import * as healthRoute from "@/app/api/health/route";
import * as openApiRoute from "@/app/api/v1/openapi.json/route";

type Json = Record<string, unknown>;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type Method = "GET" | "PUT" | "POST" | "DELETE" | "PATCH";

const STORE = "/api/v1/stores/{storeId}";
const ENTRY = "/api/v1/stores/{storeId}/entries/{keyHash}";
const BATCH_GET = "/api/v1/stores/{storeId}/entries/batch-get";
const BATCH_SET = "/api/v1/stores/{storeId}/entries/batch-set";
const LEASE = "/api/v1/stores/{storeId}/entries/{keyHash}/lease";
const RELEASE = "/api/v1/stores/{storeId}/entries/{keyHash}/lease/release";

const ROUTES: Record<string, Partial<Record<Method, Handler>>> = {
  [STORE]: storeRoute,
  [ENTRY]: entryRoute,
  [BATCH_GET]: batchGetRoute,
  [BATCH_SET]: batchSetRoute,
  [LEASE]: leaseRoute,
  [RELEASE]: releaseRoute,
};

const DOC_ID = "https://vault.test/openapi.json";

/** Checks responses against the document the server itself serves. */
async function documentChecker() {
  const res = await openApiRoute.GET(new Request("http://localhost/api/v1/openapi.json"));
  expect(res.status).toBe(200);
  const doc = (await res.json()) as Json;
  const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
  ajv.addVocabulary(["openapi", "info", "servers", "security", "tags", "paths", "components"]);
  ajv.addSchema(doc, DOC_ID);

  const at = (pointer: string): Json => {
    let node: unknown = doc;
    for (const part of pointer.replace(/^#\//, "").split("/")) node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    return node as Json;
  };
  const pointerTo = (...parts: string[]) => "#/" + parts.map((p) => encodeURIComponent(p.replace(/~/g, "~0").replace(/\//g, "~1"))).join("/");

  /** Validates status, headers and body against the response object at `pointer`. */
  async function against(pointer: string, res: Response, label: string): Promise<Json> {
    let response = at(decodeURIComponent(pointer));
    expect(response, `${label}: ${res.status} is not documented`).toBeDefined();
    if (typeof response.$ref === "string") {
      pointer = response.$ref;
      response = at(pointer);
    }
    for (const [name, h] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const header = typeof h.$ref === "string" ? at(h.$ref) : h;
      const value = res.headers.get(name);
      if (header.required) expect(value, `${label}: header ${name}`).not.toBeNull();
      if (value === null) continue;
      const schema = header.schema as Json;
      const ok = ajv.validate(schema, schema.type === "integer" ? Number(value) : value);
      expect(ok, `${label}: header ${name}=${value} ${ajv.errorsText()}`).toBe(true);
    }
    expect(res.headers.get("cache-control"), label).toBe("no-store");
    expect(res.headers.get("content-type"), label).toMatch(/^application\/json/);
    const body = (await res.json()) as Json;
    const validate = ajv.getSchema(`${DOC_ID}${pointer}/content/application~1json/schema`);
    expect(validate, `${label}: no schema`).toBeDefined();
    const valid = validate!(body);
    expect(valid, `${label}: ${JSON.stringify(body).slice(0, 300)} ${ajv.errorsText(validate!.errors)}`).toBe(true);
    return body;
  }

  return {
    /** The response of `method path` must be documented for its status, and match. */
    operation: (method: string, path: string, res: Response) =>
      against(pointerTo("paths", path, method.toLowerCase(), "responses", String(res.status)), res, `${method} ${path}`),
    /** A response described by a shared component (405, unknown path). */
    component: (name: string, res: Response) => against(pointerTo("components", "responses", name), res, name),
  };
}

type Call = {
  token?: string | null;
  authorization?: string;
  params: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  query?: string;
};

async function call(method: Method, path: string, c: Call): Promise<Response> {
  const handler = ROUTES[path]![method]!;
  const headers: Record<string, string> = {};
  if (c.authorization !== undefined) headers.authorization = c.authorization;
  else if (c.token) headers.authorization = `Bearer ${c.token}`;
  const body = c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
  if (body !== undefined) headers["content-type"] = c.contentType ?? "application/json";
  const url = `http://localhost${path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(c.params[n]!))}${c.query ?? ""}`;
  return handler(new Request(url, { method, headers, body }), { params: Promise.resolve(c.params) });
}

describeEachProvider("the v1 API against its OpenAPI document", () => {
  async function setup() {
    const check = await documentChecker();
    const { project } = await makeProject();
    const rw = await makeStoreAndKey(project.id, "s1");
    const readOnly = await makeStoreAndKey(project.id, "s2", { readOnly: true });
    const scoped = await makeStoreAndKey(project.id, "s3", { stores: ["s3"] });
    const other = await makeProject("Other project");
    await makeStoreAndKey(other.project.id, "theirs");
    // Checks and returns the body.
    const expectCall = async (method: Method, path: string, c: Call, status: number, code?: string) => {
      const res = await call(method, path, c);
      expect(res.status, `${method} ${path} ${JSON.stringify(c.params)}`).toBe(status);
      const body = await check.operation(method, path, res);
      if (code) expect((body.error as Json).code).toBe(code);
      return body;
    };
    return { check, project, rw, readOnly, scoped, expectCall };
  }

  it("successes match the document", async () => {
    const { rw, expectCall } = await setup();
    const t = rw.token;
    const k1 = keyHash();
    const k2 = keyHash();
    const missing = keyHash();
    expect(await expectCall("PUT", ENTRY, { token: t, params: { storeId: "s1", keyHash: k1 }, body: { value: "ct-1", ifVersion: 0 } }, 200)).toEqual({ version: 1, created: true });
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await expectCall("PUT", ENTRY, { token: t, params: { storeId: "s1", keyHash: k1 }, body: { value: "ct-2", expiresAt: future, ifVersion: 1 } }, 200)).toEqual({ version: 2, created: false });
    const entry = await expectCall("GET", ENTRY, { token: t, params: { storeId: "s1", keyHash: k1 } }, 200);
    expect(entry).toMatchObject({ value: "ct-2", version: 2, expiresAt: future });
    expect(await expectCall("POST", BATCH_SET, { token: t, params: { storeId: "s1" }, body: { entries: [{ key: k1, value: "ct-3", expiresAt: null }, { key: k2, value: "ct-b" }] } }, 200)).toEqual({
      versions: { [k1]: 3, [k2]: 1 },
    });
    const batch = await expectCall("POST", BATCH_GET, { token: t, params: { storeId: "s1" }, body: { keys: [k1, missing, k2] } }, 200);
    expect(Object.keys(batch.entries as Json)).toEqual([k1, missing, k2]);
    expect((batch.entries as Json)[missing]).toBeNull();
    expect(await expectCall("GET", STORE, { token: t, params: { storeId: "s1" } }, 200)).toMatchObject({ id: "s1", entryCount: 2 });
    expect(await expectCall("DELETE", ENTRY, { token: t, params: { storeId: "s1", keyHash: k1 }, query: "?ifVersion=3" }, 200)).toEqual({ deleted: true });
    expect(await expectCall("DELETE", ENTRY, { token: t, params: { storeId: "s1", keyHash: k2 } }, 200)).toEqual({ deleted: true });
  });

  it("lease operations, fenced writes and generation counts match the document", async () => {
    const { rw, readOnly, expectCall } = await setup();
    const t = rw.token;
    const params = { storeId: "s1", keyHash: keyHash() };
    const got = await expectCall("POST", LEASE, { token: t, params, body: { ttlMs: 10_000, ifVersion: 0 } }, 200);
    expect(got).toMatchObject({ acquired: true, version: 0, entry: null });
    const token = got.token as string;
    expect(await expectCall("POST", LEASE, { token: t, params, body: { ttlMs: 10_000 } }, 200)).toMatchObject({ acquired: false, reason: "held", version: 0 });
    expect(await expectCall("POST", LEASE, { token: t, params, body: { ttlMs: 10_000, token } }, 200)).toMatchObject({ acquired: true, token, version: 0 });
    expect(await expectCall("POST", LEASE, { token: t, params, body: { ttlMs: 10_000, token: "z".repeat(22) } }, 200)).toEqual({ acquired: false, reason: "lost", version: 0 });
    await expectCall("PUT", ENTRY, { token: t, params, body: { value: "ct", ifVersion: 0, leaseToken: "z".repeat(22) } }, 409, "LEASE_LOST");
    expect(await expectCall("PUT", ENTRY, { token: t, params, body: { value: "ct", ifVersion: 0, generation: "Xq3vT0aB", leaseToken: token, releaseLease: true } }, 200)).toEqual({ version: 1, created: true });
    expect(await expectCall("POST", LEASE, { token: t, params, body: { ttlMs: 10_000, ifVersion: 0 } }, 200)).toMatchObject({ acquired: false, reason: "version", version: 1, entry: { value: "ct", version: 1 } });
    expect(await expectCall("POST", RELEASE, { token: t, params, body: { token } }, 200)).toEqual({ released: false });
    const store = await expectCall("GET", STORE, { token: t, params: { storeId: "s1" } }, 200);
    expect(store.generations).toEqual([{ id: "Xq3vT0aB", entryCount: 1 }]);
    // Errors of the new operations.
    await expectCall("POST", LEASE, { token: t, params, body: { ttlMs: 10 } }, 400, "INVALID_REQUEST");
    await expectCall("POST", LEASE, { token: t, params: { storeId: "nope", keyHash: params.keyHash }, body: { ttlMs: 1000 } }, 404, "STORE_NOT_FOUND");
    await expectCall("POST", LEASE, { token: readOnly.token, params: { storeId: "s2", keyHash: params.keyHash }, body: { ttlMs: 1000 } }, 403, "FORBIDDEN");
    await expectCall("POST", RELEASE, { token: t, params, body: {} }, 400, "INVALID_REQUEST");
    await expectCall("POST", RELEASE, { params, body: { token } }, 401, "UNAUTHENTICATED");
    await expectCall("POST", RELEASE, { token: t, params, body: { token }, contentType: "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("health and the document itself match the document", async () => {
    const { check } = await setup();
    expect(await check.operation("GET", "/api/health", await healthRoute.GET(new Request("http://localhost/api/health")))).toEqual({ status: "ok" });
    const served = await check.operation("GET", "/api/v1/openapi.json", await openApiRoute.GET(new Request("http://localhost/api/v1/openapi.json")));
    expect(served.openapi).toBe("3.1.0");
  });

  it("400 INVALID_REQUEST in each of its forms", async () => {
    const { rw, expectCall } = await setup();
    const t = rw.token;
    const k = keyHash();
    const params = { storeId: "s1", keyHash: k };
    const bad = (method: Method, path: string, c: Omit<Call, "token">) => expectCall(method, path, { token: t, ...c }, 400, "INVALID_REQUEST");
    await bad("PUT", ENTRY, { params, rawBody: "{not json" });
    await bad("PUT", ENTRY, { params, rawBody: "" });
    await bad("PUT", ENTRY, { params, body: { value: "" } });
    await bad("PUT", ENTRY, { params, body: { value: "ct", expires_at: null } });
    await bad("PUT", ENTRY, { params, body: { value: "ct", expiresAt: "2001-01-01T00:00:00Z" } });
    await bad("PUT", ENTRY, { params, body: { value: "ct", ifVersion: -1 } });
    await bad("GET", ENTRY, { params: { storeId: "s1", keyHash: "too-short" } });
    await bad("GET", STORE, { params: { storeId: "-bad" } });
    await bad("DELETE", ENTRY, { params, query: "?ifVersion=abc" });
    await bad("DELETE", ENTRY, { params, query: "?force=1" });
    await bad("POST", BATCH_GET, { params: { storeId: "s1" }, body: { keys: [k, k] } });
    await bad("POST", BATCH_GET, { params: { storeId: "s1" }, body: { keys: [] } });
    await bad("POST", BATCH_SET, { params: { storeId: "s1" }, body: { entries: [{ key: k, value: "a" }, { key: k, value: "b" }] } });
    const withDetails = await bad("POST", BATCH_SET, { params: { storeId: "s1" }, body: { entries: [{ key: k, value: "" }] } });
    expect((withDetails.error as { details?: { path: string }[] }).details?.[0]?.path).toBe("entries.0.value");
  });

  it("401 UNAUTHENTICATED: missing, malformed, unknown", async () => {
    const { expectCall } = await setup();
    const params = { storeId: "s1" };
    await expectCall("GET", STORE, { params }, 401, "UNAUTHENTICATED");
    await expectCall("GET", STORE, { params, authorization: "Basic abc" }, 401, "UNAUTHENTICATED");
    await expectCall("GET", STORE, { params, token: "dvk_" + "A".repeat(43) }, 401, "UNAUTHENTICATED");
    await expectCall("POST", BATCH_SET, { params, body: { entries: [] } }, 401, "UNAUTHENTICATED");
  });

  it("403 FORBIDDEN: out-of-scope store, read-only key writing", async () => {
    const { scoped, readOnly, expectCall } = await setup();
    const k = keyHash();
    await expectCall("GET", STORE, { token: scoped.token, params: { storeId: "s1" } }, 403, "FORBIDDEN");
    await expectCall("GET", ENTRY, { token: scoped.token, params: { storeId: "s1", keyHash: k } }, 403, "FORBIDDEN");
    await expectCall("PUT", ENTRY, { token: readOnly.token, params: { storeId: "s2", keyHash: k }, body: { value: "ct" } }, 403, "FORBIDDEN");
    await expectCall("DELETE", ENTRY, { token: readOnly.token, params: { storeId: "s2", keyHash: k } }, 403, "FORBIDDEN");
    await expectCall("POST", BATCH_SET, { token: readOnly.token, params: { storeId: "s2" }, body: { entries: [{ key: k, value: "ct" }] } }, 403, "FORBIDDEN");
    // Reads stay allowed for the read-only key.
    await expectCall("POST", BATCH_GET, { token: readOnly.token, params: { storeId: "s2" }, body: { keys: [k] } }, 200);
  });

  it("404 STORE_NOT_FOUND and ENTRY_NOT_FOUND", async () => {
    const { rw, expectCall } = await setup();
    const t = rw.token;
    const k = keyHash();
    for (const storeId of ["nope", "theirs"]) {
      await expectCall("GET", STORE, { token: t, params: { storeId } }, 404, "STORE_NOT_FOUND");
      await expectCall("GET", ENTRY, { token: t, params: { storeId, keyHash: k } }, 404, "STORE_NOT_FOUND");
      await expectCall("PUT", ENTRY, { token: t, params: { storeId, keyHash: k }, body: { value: "ct" } }, 404, "STORE_NOT_FOUND");
      await expectCall("DELETE", ENTRY, { token: t, params: { storeId, keyHash: k } }, 404, "STORE_NOT_FOUND");
      await expectCall("POST", BATCH_GET, { token: t, params: { storeId }, body: { keys: [k] } }, 404, "STORE_NOT_FOUND");
      await expectCall("POST", BATCH_SET, { token: t, params: { storeId }, body: { entries: [{ key: k, value: "ct" }] } }, 404, "STORE_NOT_FOUND");
    }
    await expectCall("GET", ENTRY, { token: t, params: { storeId: "s1", keyHash: k } }, 404, "ENTRY_NOT_FOUND");
    await expectCall("DELETE", ENTRY, { token: t, params: { storeId: "s1", keyHash: k } }, 404, "ENTRY_NOT_FOUND");
  });

  it("409 VERSION_CONFLICT on PUT and on DELETE ?ifVersion", async () => {
    const { rw, expectCall } = await setup();
    const params = { storeId: "s1", keyHash: keyHash() };
    await expectCall("PUT", ENTRY, { token: rw.token, params, body: { value: "ct" } }, 200);
    await expectCall("PUT", ENTRY, { token: rw.token, params, body: { value: "ct", ifVersion: 0 } }, 409, "VERSION_CONFLICT");
    await expectCall("PUT", ENTRY, { token: rw.token, params, body: { value: "ct", ifVersion: 7 } }, 409, "VERSION_CONFLICT");
    await expectCall("DELETE", ENTRY, { token: rw.token, params, query: "?ifVersion=2" }, 409, "VERSION_CONFLICT");
    await expectCall("POST", BATCH_SET, { token: rw.token, params: { storeId: "s1" }, body: { entries: [{ key: params.keyHash, value: "ct", ifVersion: 0 }] } }, 409, "VERSION_CONFLICT");
    expect(await expectCall("GET", ENTRY, { token: rw.token, params }, 200)).toMatchObject({ version: 1 });
  });

  it("413 VALUE_TOO_LARGE for a value and for a body over the cap", async () => {
    const { rw, expectCall } = await setup();
    const max = getConfig().VAULT_MAX_VALUE_SIZE;
    const k = keyHash();
    await expectCall("PUT", ENTRY, { token: rw.token, params: { storeId: "s1", keyHash: k }, body: { value: "x".repeat(max + 1) } }, 413, "VALUE_TOO_LARGE");
    await expectCall("POST", BATCH_SET, { token: rw.token, params: { storeId: "s1" }, body: { entries: [{ key: k, value: "x".repeat(max + 1) }] } }, 413, "VALUE_TOO_LARGE");
    const overCap = "x".repeat(max + 64 * 1024 + 1);
    await expectCall("PUT", ENTRY, { token: rw.token, params: { storeId: "s1", keyHash: k }, body: { value: overCap } }, 413, "VALUE_TOO_LARGE");
    await expectCall("POST", BATCH_GET, { token: rw.token, params: { storeId: "s1" }, rawBody: overCap }, 413, "VALUE_TOO_LARGE");
  });

  it("415 UNSUPPORTED_MEDIA_TYPE for a body not declared as JSON", async () => {
    const { rw, expectCall } = await setup();
    const k = keyHash();
    await expectCall("PUT", ENTRY, { token: rw.token, params: { storeId: "s1", keyHash: k }, body: { value: "ct" }, contentType: "text/plain" }, 415, "UNSUPPORTED_MEDIA_TYPE");
    await expectCall("POST", BATCH_GET, { token: rw.token, params: { storeId: "s1" }, body: { keys: [k] }, contentType: "application/x-www-form-urlencoded" }, 415, "UNSUPPORTED_MEDIA_TYPE");
    await expectCall("POST", BATCH_SET, { token: rw.token, params: { storeId: "s1" }, body: { entries: [] }, contentType: "text/json" }, 415, "UNSUPPORTED_MEDIA_TYPE");
  });

  it("429 RATE_LIMITED with Retry-After", async () => {
    const { rw, check } = await setup();
    // One request per second, no burst: the second request in a row is refused.
    const saved = { rate: process.env.VAULT_RATE_LIMIT_PER_SECOND, burst: process.env.VAULT_RATE_LIMIT_BURST };
    process.env.VAULT_RATE_LIMIT_PER_SECOND = "1";
    process.env.VAULT_RATE_LIMIT_BURST = "1";
    resetConfigForTests();
    try {
      // Back to back, checked against the document only afterwards: the
      // bucket refills a token per second, and a slow check in between (a
      // loaded machine) would let the second request through.
      const first = await call("GET", STORE, { token: rw.token, params: { storeId: "s1" } });
      const res = await call("GET", STORE, { token: rw.token, params: { storeId: "s1" } });
      expect(first.status).toBe(200);
      await check.operation("GET", STORE, first);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(((await check.operation("GET", STORE, res)).error as Json).code).toBe("RATE_LIMITED");
    } finally {
      restoreEnv("VAULT_RATE_LIMIT_PER_SECOND", saved.rate);
      restoreEnv("VAULT_RATE_LIMIT_BURST", saved.burst);
      resetConfigForTests();
    }
  });

  it("500 INTERNAL for a stored entry that fails its integrity check, without details", async () => {
    const { rw, expectCall } = await setup();
    const k = keyHash();
    await expectCall("PUT", ENTRY, { token: rw.token, params: { storeId: "s1", keyHash: k }, body: { value: "ct" } }, 200);
    const row = await getDb().entry.findFirstOrThrow({ where: { keyHash: k } });
    const flipped = Buffer.from(row.ciphertext);
    flipped[flipped.length - 1]! ^= 1;
    await getDb().entry.updateMany({ where: { keyHash: k }, data: { ciphertext: flipped } });
    const body = await expectCall("GET", ENTRY, { token: rw.token, params: { storeId: "s1", keyHash: k } }, 500, "INTERNAL");
    expect((body.error as Json).details).toBeUndefined();
    await expectCall("POST", BATCH_GET, { token: rw.token, params: { storeId: "s1" }, body: { keys: [k] } }, 500, "INTERNAL");
  });

  it("405 METHOD_NOT_ALLOWED and the unknown-path 404 match their documented components", async () => {
    const { check, rw } = await setup();
    const notAllowed: [Method, string][] = [
      ["POST", STORE],
      ["DELETE", STORE],
      ["POST", ENTRY],
      ["PATCH", ENTRY],
      ["GET", BATCH_GET],
      ["PUT", BATCH_SET],
    ];
    for (const [method, path] of notAllowed) {
      const res = await call(method, path, { token: rw.token, params: { storeId: "s1", keyHash: keyHash() } });
      expect(res.status, `${method} ${path}`).toBe(405);
      const allowed = Object.keys((await documentPaths())[path]!).filter((m) => m !== "parameters").map((m) => m.toUpperCase()).sort();
      expect(res.headers.get("allow")!.split(", ").sort(), `${method} ${path}`).toEqual(allowed);
      expect(((await check.component("MethodNotAllowed", res)).error as Json).code).toBe("METHOD_NOT_ALLOWED");
    }
    const res = await unknownPathRoute.GET(new Request("http://localhost/api/v1/no/such/path"));
    expect(res.status).toBe(404);
    expect(((await check.component("NotFound", res)).error as Json).code).toBe("NOT_FOUND");
  });
});

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

async function documentPaths(): Promise<Record<string, Json>> {
  return ((await (await openApiRoute.GET(new Request("http://localhost/api/v1/openapi.json"))).json()) as { paths: Record<string, Json> }).paths;
}
