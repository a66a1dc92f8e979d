// The OpenAPI document: valid OpenAPI 3.1, complete against API.md, equal
// to the real route files (paths and methods), and its request schemas
// accept and refuse what the routes' zod schemas do.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { validate, compileErrors } from "@readme/openapi-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { describe, expect, it, vi } from "vitest";
import { openApiDocument } from "./openapi";
import { operations as operationTable } from "./operations";
import { batchGetBody, batchSetBody, leaseBody, putBody, releaseLeaseBody } from "./v1-schemas";

// The health route would ask the database; here only its shape matters.
vi.mock("@/lib/health", () => ({ checkHealth: async () => true }));

type Json = Record<string, unknown>;
type Operation = { responses: Record<string, Json>; security?: unknown[]; requestBody?: Json; parameters?: Json[]; operationId?: string };

const doc = openApiDocument();
const paths = doc.paths as Record<string, Record<string, Operation>>;
const METHODS = ["get", "put", "post", "patch", "delete", "head", "options"] as const;

function operations(d: Json): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [p, item] of Object.entries(d.paths as Record<string, Record<string, Operation>>)) {
    for (const m of METHODS) if (item[m]) out.set(`${m.toUpperCase()} ${p}`, item[m]);
  }
  return out;
}

// API.md's endpoint table, and which rows of its error table apply to each.
const AUTHED = ["400", "401", "403", "429", "500", "503"];
const CONTRACT: Record<string, { ok: string[]; errors: string[]; notFound?: string[] }> = {
  "GET /api/v1/stores/{storeId}": { ok: ["200"], errors: AUTHED, notFound: ["STORE_NOT_FOUND"] },
  "PUT /api/v1/stores/{storeId}/entries/{keyHash}": { ok: ["200"], errors: [...AUTHED, "409", "413", "415"], notFound: ["STORE_NOT_FOUND"] },
  "GET /api/v1/stores/{storeId}/entries/{keyHash}": { ok: ["200"], errors: AUTHED, notFound: ["STORE_NOT_FOUND", "ENTRY_NOT_FOUND"] },
  "DELETE /api/v1/stores/{storeId}/entries/{keyHash}": { ok: ["200"], errors: [...AUTHED, "409"], notFound: ["STORE_NOT_FOUND", "ENTRY_NOT_FOUND"] },
  "POST /api/v1/stores/{storeId}/entries/batch-get": { ok: ["200"], errors: [...AUTHED, "413", "415"], notFound: ["STORE_NOT_FOUND"] },
  // 409: per-item ifVersion is an extension (issue 14); API.md's batch-set has no 409.
  "POST /api/v1/stores/{storeId}/entries/batch-set": { ok: ["200"], errors: [...AUTHED, "409", "413", "415"], notFound: ["STORE_NOT_FOUND"] },
  // An extension: the entry's access log (audit permission).
  "GET /api/v1/stores/{storeId}/entries/{keyHash}/access-log": { ok: ["200"], errors: AUTHED },
  "GET /api/health": { ok: ["200", "503"], errors: [] },
};

// Extensions beyond API.md (docs/api.md, "Beyond the contract").
const EXTENSIONS: typeof CONTRACT = {
  "POST /api/v1/stores/{storeId}/entries/{keyHash}/lease": { ok: ["200"], errors: [...AUTHED, "413", "415"], notFound: ["STORE_NOT_FOUND"] },
  "POST /api/v1/stores/{storeId}/entries/{keyHash}/lease/release": { ok: ["200"], errors: [...AUTHED, "413", "415"], notFound: ["STORE_NOT_FOUND"] },
};

function resolve(obj: Json): Json {
  const r = obj.$ref;
  if (typeof r !== "string") return obj;
  let node: unknown = doc;
  for (const part of r.replace(/^#\//, "").split("/")) node = (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  return resolve(node as Json);
}

// The document's top-level fields are not JSON Schema keywords; declaring
// them lets ajv stay strict about the schemas inside.
const ajv = addFormats(new Ajv2020({ strict: true, allErrors: true }));
ajv.addVocabulary(["openapi", "info", "servers", "security", "tags", "paths", "components"]);
ajv.addSchema(doc, "https://vault.test/openapi.json");
function schemaValidator(name: string) {
  const v = ajv.getSchema(`https://vault.test/openapi.json#/components/schemas/${name}`);
  if (!v) throw new Error(`no schema ${name}`);
  return v;
}

function errorCodes(response: Json): string[] {
  const schema = ((resolve(response).content as Json)["application/json"] as Json).schema as { allOf: [Json, { properties: { error: { properties: { code: { enum: string[] } } } } }] };
  return schema.allOf[1].properties.error.properties.code.enum;
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    expect(doc.openapi).toBe("3.1.0");
    // validate() dereferences in place: give it a copy.
    const result = await validate(structuredClone(doc) as unknown as Parameters<typeof validate>[0]);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(result.warnings).toEqual([]);
  });

  it("compiles every schema with ajv (draft 2020-12, strict)", () => {
    const schemas = Object.keys((doc.components as Json).schemas as Json);
    for (const name of schemas) expect(() => schemaValidator(name), name).not.toThrow();
  });

  it("has every endpoint of API.md and of the extensions, with every status that applies", () => {
    const ops = operations(doc);
    for (const [key, want] of Object.entries({ ...CONTRACT, ...EXTENSIONS })) {
      const op = ops.get(key);
      expect(op, key).toBeDefined();
      const statuses = Object.keys(op!.responses).sort();
      const expected = [...want.ok, ...want.errors, ...(want.notFound ? ["404"] : [])].sort();
      expect(statuses, key).toEqual(expected);
      if (want.notFound) expect(errorCodes(op!.responses["404"]!).sort(), key).toEqual([...want.notFound].sort());
      if (want.errors.includes("429")) {
        const headers = resolve(op!.responses["429"]!).headers as Json;
        expect(resolve(headers["Retry-After"] as Json).required, key).toBe(true);
      }
      // Every response says Cache-Control: no-store.
      for (const r of Object.values(op!.responses)) expect(resolve((resolve(r).headers as Json)["Cache-Control"] as Json).schema).toEqual({ type: "string", const: "no-store" });
    }
  });

  it("maps each error status to its codes from the error table", () => {
    const byStatus: Record<string, string[]> = {
      "400": ["INVALID_REQUEST"],
      "401": ["UNAUTHENTICATED"],
      "403": ["FORBIDDEN"],
      "409": ["VERSION_CONFLICT"],
      "413": ["VALUE_TOO_LARGE"],
      "415": ["UNSUPPORTED_MEDIA_TYPE"],
      "429": ["RATE_LIMITED"],
      "500": ["INTERNAL"],
      "503": ["UNAVAILABLE"],
    };
    // A fenced PUT can also be refused because its lease was lost (extension).
    const special: Record<string, string[]> = {
      "PUT /api/v1/stores/{storeId}/entries/{keyHash} 409": ["VERSION_CONFLICT", "LEASE_LOST"],
      // A batch read can also be refused for the size of its answer.
      "POST /api/v1/stores/{storeId}/entries/batch-get 413": ["VALUE_TOO_LARGE", "RESPONSE_TOO_LARGE"],
    };
    for (const [key, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        // Health's 503 is its own answer ({"status":"unavailable"}), not an error.
        if (key === "GET /api/health") continue;
        const want = special[`${key} ${status}`] ?? byStatus[status];
        if (want) expect(errorCodes(response), `${key} ${status}`).toEqual(want);
      }
    }
  });

  it("needs a server key everywhere except health and the document itself", () => {
    for (const [key, op] of operations(doc)) {
      const open = key === "GET /api/health" || key === "GET /api/v1/openapi.json";
      expect(op.security ?? doc.security, key).toEqual(open ? [] : [{ serverKey: [] }]);
    }
  });

  it("documents the DELETE ?ifVersion extension and the configured value limit", () => {
    const del = paths["/api/v1/stores/{storeId}/entries/{keyHash}"]!.delete!;
    expect(del.parameters!.filter((p) => p.in === "query")).toEqual([
      expect.objectContaining({ name: "ifVersion", in: "query", schema: expect.objectContaining({ type: "string", pattern: "^\\d{1,10}$" }) }),
    ]);
    const small = openApiDocument(1000) as { components: { schemas: { Ciphertext: { maxLength: number } } } };
    expect(small.components.schemas.Ciphertext.maxLength).toBe(1000);
    const put = (doc.components as { schemas: { PutEntryRequest: { properties: { value: Json } } } }).schemas.PutEntryRequest;
    expect(put.properties.value).toEqual({ $ref: "#/components/schemas/Ciphertext" });
  });

  it("is generated from the operation table: one operation per declaration, nothing else", () => {
    const declared = operationTable.map((op) => `${op.method} ${op.path}`).sort();
    expect([...operations(doc).keys()].sort()).toEqual(declared);
    for (const op of operationTable) expect(paths[op.path]![op.method.toLowerCase()]!.operationId).toBe(op.id);
  });
});

describe("request schemas agree with the routes' zod schemas", () => {
  const check = schemaValidator;
  const cases: [string, { safeParse: (v: unknown) => { success: boolean } }, unknown, boolean][] = [
    ["PutEntryRequest", putBody, { value: "ct" }, true],
    ["PutEntryRequest", putBody, { value: "ct", expiresAt: null, ifVersion: 0 }, true],
    ["PutEntryRequest", putBody, { value: "ct", expiresAt: "2999-01-01T00:00:00Z" }, true],
    ["PutEntryRequest", putBody, { value: "ct", expiresAt: "2999-01-01T00:00:00.5+02:00" }, true],
    ["PutEntryRequest", putBody, {}, false],
    ["PutEntryRequest", putBody, { value: "" }, false],
    ["PutEntryRequest", putBody, { value: 1 }, false],
    ["PutEntryRequest", putBody, { value: "ct", expires_at: null }, false],
    ["PutEntryRequest", putBody, { value: "ct", ifVersion: -1 }, false],
    ["PutEntryRequest", putBody, { value: "ct", ifVersion: 1.5 }, false],
    ["PutEntryRequest", putBody, { value: "ct", ifVersion: "1" }, false],
    ["PutEntryRequest", putBody, { value: "ct", expiresAt: "2999-01-01" }, false],
    ["PutEntryRequest", putBody, { value: "ct", expiresAt: "2999-01-01T00:00:00" }, false],
    ["BatchGetRequest", batchGetBody, { keys: ["a".repeat(16)] }, true],
    ["BatchGetRequest", batchGetBody, { keys: [] }, false],
    ["BatchGetRequest", batchGetBody, { keys: ["short"] }, false],
    ["BatchGetRequest", batchGetBody, { keys: ["a".repeat(16), "a".repeat(16)] }, false],
    ["BatchGetRequest", batchGetBody, { keys: Array.from({ length: 101 }, (_, i) => `k${String(i).padStart(15, "0")}`) }, false],
    ["BatchSetRequest", batchSetBody, { entries: [{ key: "b".repeat(43), value: "ct", expiresAt: null }] }, true],
    ["BatchSetRequest", batchSetBody, { entries: [{ key: "b".repeat(43), value: "ct", ifVersion: 1, generation: "Xq3vT0aB" }] }, true],
    ["BatchSetRequest", batchSetBody, { entries: [{ key: "b".repeat(43), value: "ct", ifVersion: -1 }] }, false],
    ["BatchSetRequest", batchSetBody, { entries: [{ key: "b".repeat(43), value: "ct", generation: "no spaces" }] }, false],
    ["PutEntryRequest", putBody, { value: "ct", ifVersion: 2, generation: "Xq3vT0aB", leaseToken: "a".repeat(22), releaseLease: true }, true],
    ["PutEntryRequest", putBody, { value: "ct", generation: null }, true],
    ["PutEntryRequest", putBody, { value: "ct", generation: "abc" }, false],
    ["PutEntryRequest", putBody, { value: "ct", leaseToken: "short" }, false],
    ["LeaseRequest", leaseBody, { ttlMs: 30_000 }, true],
    ["LeaseRequest", leaseBody, { ttlMs: 30_000, ifVersion: 0 }, true],
    ["LeaseRequest", leaseBody, { ttlMs: 600_000, token: "a".repeat(22) }, true],
    ["LeaseRequest", leaseBody, { ttlMs: 99 }, false],
    ["LeaseRequest", leaseBody, { ttlMs: 600_001 }, false],
    ["LeaseRequest", leaseBody, { ttlMs: 1.5 }, false],
    ["LeaseRequest", leaseBody, {}, false],
    ["LeaseRequest", leaseBody, { ttlMs: 1000, token: "a".repeat(22), ifVersion: 1 }, false],
    ["PutEntryRequest", putBody, { value: "ct", releaseLease: true }, false],
    ["LeaseRequest", leaseBody, { ttlMs: 1000, holder: "me" }, false],
    ["ReleaseLeaseRequest", releaseLeaseBody, { token: "a".repeat(22) }, true],
    ["ReleaseLeaseRequest", releaseLeaseBody, { token: "a=".repeat(11) }, false],
    ["ReleaseLeaseRequest", releaseLeaseBody, {}, false],
    ["BatchSetRequest", batchSetBody, { entries: [{ key: "b=".repeat(10), value: "ct" }] }, false],
    ["BatchSetRequest", batchSetBody, { entries: [] }, false],
  ];
  it.each(cases.map((c, i) => [i, ...c] as const))("case %i: %s", (_i, name, zod, body, valid) => {
    expect(zod.safeParse(body).success).toBe(valid);
    expect(check(name)(body)).toBe(valid);
  });
});

// ---- the document against the real route files --------------------------

const ROOT = path.resolve(import.meta.dirname, "../..");
const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return name === "route.ts" ? [full] : [];
  });
}

/** app/api/v1/stores/[storeId]/route.ts -> /api/v1/stores/{storeId} */
function template(file: string): string {
  const rel = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  return "/" + rel.filter((s) => !/^\(.*\)$/.test(s)).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
}

const SAMPLE: Record<string, string> = { storeId: "s1", keyHash: "a".repeat(22) };

async function realOperations(): Promise<Set<string>> {
  const files = [...routeFiles(path.join(ROOT, "app/api/v1")), path.join(ROOT, "app/api/health/route.ts")];
  const out = new Set<string>();
  for (const file of files) {
    const tpl = template(file);
    if (tpl.includes("[...")) continue; // the catch-all: 404 NOT_FOUND for unknown paths
    const mod = (await import(/* @vite-ignore */ file)) as Record<string, unknown>;
    const params: Record<string, string> = {};
    const url = tpl.replace(/\{(\w+)\}/g, (_, name: string) => (params[name] = SAMPLE[name] ?? "x"));
    for (const method of HTTP_METHODS) {
      // HEAD answers wherever GET does (headers only); OpenAPI lists GET.
      if (method === "HEAD") continue;
      const handler = mod[method];
      if (typeof handler !== "function") continue;
      const res = (await handler(new Request(`http://localhost${url}`, { method }), { params: Promise.resolve(params) })) as Response;
      if (res.status === 405) {
        // A method the path does not have: the contract's error shape.
        expect(res.headers.get("allow"), `${method} ${tpl}`).toBeTruthy();
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe("METHOD_NOT_ALLOWED");
        continue;
      }
      out.add(`${method} ${tpl}`);
    }
  }
  return out;
}

describe("the document against the real routes", () => {
  it("lists exactly the paths and methods the route files export", async () => {
    const real = await realOperations();
    expect([...operations(doc).keys()].sort()).toEqual([...real].sort());
    // And the contract's endpoints (and the extensions) are among them.
    for (const key of Object.keys({ ...CONTRACT, ...EXTENSIONS })) expect(real.has(key), key).toBe(true);
  });

  it("path parameters match the route folders' names", () => {
    for (const [key, op] of operations(doc)) {
      const names = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).filter((x) => resolve(x).in === "path").map((x) => resolve(x).name);
      expect(declared, key).toEqual(names);
    }
  });

  it("GET /api/v1/openapi.json serves the document, no-store, without auth", async () => {
    const { GET, POST } = await import("@/app/api/v1/openapi.json/route");
    const res = await GET(new Request("http://localhost/api/v1/openapi.json"));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(doc)));
    const post = await POST(new Request("http://localhost/api/v1/openapi.json", { method: "POST" }));
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET");
  });
});
