// The OpenAPI 3.1 document of the v1 API, generated from the operation
// table (operations.ts) and its zod schemas with zod-openapi: paths,
// parameters, bodies, answers and the error codes of each operation all
// come from the declarations, so the document cannot drift from what the
// dispatcher validates and answers. Served at /api/v1/openapi.json; the
// value limit in it follows this server's configuration.
import {
  createDocument,
  type ZodOpenApiObject,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponseObject,
} from "zod-openapi";
import { z } from "zod";
import { errorStatus, type ErrorCode } from "../vault/errors";
import { errorCodesOf, type Operation } from "./operation";
import { operations } from "./operations";

export const DEFAULT_MAX_VALUE_SIZE = 2_097_152;

type Json = Record<string, unknown>;

/** What each error code means, for the document's error answers. */
const ERROR_TEXT: Partial<Record<ErrorCode, { when: string; example: string }>> = {
  INVALID_REQUEST: { when: "bad JSON, a bad id, a schema violation (including unknown fields and an expiresAt in the past) or a bad query", example: "invalid body" },
  UNAUTHENTICATED: { when: "missing, malformed, unknown or revoked server key", example: "unknown or revoked server key" },
  FORBIDDEN: { when: "the key is not allowed on this store, or is read-only and this is a write, or lacks the audit permission for an access log", example: "this server key is read-only" },
  NOT_FOUND: { when: "no such path under /api/v1", example: "no such API path" },
  STORE_NOT_FOUND: { when: "no such store in the key's project (also for other projects' stores)", example: 'no store "oauth-tokens" in this project' },
  ENTRY_NOT_FOUND: { when: "no live entry under that key hash", example: "no entry under that key hash" },
  METHOD_NOT_ALLOWED: { when: "the path does not have this method (any path of this API)", example: "allowed methods: GET" },
  VERSION_CONFLICT: { when: "ifVersion did not match the entry's current version; nothing changed", example: "the entry is at version 3, not 2" },
  VALUE_TOO_LARGE: { when: "a value or the whole body is over the limit", example: "value is over the limit of 2097152 characters" },
  LEASE_LOST: { when: "the write carried a lease token that no longer holds the entry's lease (taken over after it ran out); nothing changed", example: "the lease was lost" },
  RESPONSE_TOO_LARGE: {
    when: "the entries asked for hold more than this server's limit for one answer (VAULT_MAX_BATCH_RESPONSE_BYTES); ask for fewer keys (the SDK splits the batch)",
    example: "the entries asked for hold 9437184 bytes, over this server's limit of 4194304 for one answer; ask for fewer keys at a time",
  },
  UNSUPPORTED_MEDIA_TYPE: { when: "the body is not declared as JSON (Content-Type: application/json)", example: "the body must be JSON (Content-Type: application/json)" },
  RATE_LIMITED: { when: "too many requests for this server key, or with unknown server keys from this address", example: "too many requests for this server key; retry later" },
  INTERNAL: { when: "an internal error; no details are returned", example: "internal error" },
  UNAVAILABLE: {
    when: "only with VAULT_AUDIT=required: the request's audit events could not be written, so the server does not answer it (a write may have been applied; a read returns nothing)",
    example: "the audit log cannot be written, and this server records every request before answering (VAULT_AUDIT=required); retry later",
  },
};

/** Every code any v1 operation (or the router) can answer with. */
function allErrorCodes(): ErrorCode[] {
  const codes = new Set<ErrorCode>(["NOT_FOUND", "METHOD_NOT_ALLOWED"]);
  for (const op of operations) for (const c of errorCodesOf(op)) codes.add(c);
  return (Object.keys(errorStatus) as ErrorCode[]).filter((c) => codes.has(c));
}

const pascal = (code: string) => code.toLowerCase().replace(/(^|_)(\w)/g, (_m, _s, c: string) => c.toUpperCase());

/** components/responses name for a set of codes: StoreNotFound, StoreNotFoundOrEntryNotFound. */
const responseName = (codes: ErrorCode[]) => codes.map(pascal).join("Or");

const noStoreHeader = { $ref: "#/components/headers/CacheControl" };

function errorResponse(codes: ErrorCode[]): Json {
  const headers: Json = { "Cache-Control": noStoreHeader };
  if (codes.includes("RATE_LIMITED")) headers["Retry-After"] = { $ref: "#/components/headers/RetryAfter" };
  if (codes.includes("METHOD_NOT_ALLOWED")) headers.Allow = { $ref: "#/components/headers/Allow" };
  const text = codes.map((c) => ERROR_TEXT[c]!);
  return {
    description: text.map((t) => t.when).join("; or ") + ".",
    headers,
    content: {
      "application/json": {
        schema: {
          allOf: [{ $ref: "#/components/schemas/Error" }, { type: "object", properties: { error: { type: "object", properties: { code: { enum: codes } } } } }],
        },
        example: { error: { code: codes[0], message: text[0]!.example } },
      },
    },
  };
}

/** An operation's error answers by status, each a reference to a shared component. */
function errorResponses(op: Operation, used: Map<string, ErrorCode[]>): Json {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(op)) byStatus.set(errorStatus[code], [...(byStatus.get(errorStatus[code]) ?? []), code]);
  const out: Json = {};
  for (const [status, codes] of byStatus) {
    const name = responseName(codes);
    used.set(name, codes);
    out[String(status)] = { $ref: `#/components/responses/${name}` };
  }
  return out;
}

function operationObject(op: Operation, used: Map<string, ErrorCode[]>): ZodOpenApiOperationObject {
  const responses: Json = {};
  for (const [status, r] of Object.entries(op.responses)) {
    responses[status] = {
      description: r.description,
      headers: { "Cache-Control": noStoreHeader },
      content: { "application/json": { schema: r.schema, ...(r.example !== undefined ? { example: r.example } : {}) } },
    };
  }
  return {
    operationId: op.id,
    tags: [op.tag],
    summary: op.summary,
    description: op.description,
    ...(op.access === "public" ? { security: [] } : {}),
    ...(op.params || op.query ? { requestParams: { ...(op.params ? { path: op.params } : {}), ...(op.query ? { query: op.query } : {}) } } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: { "application/json": { schema: op.body, ...(op.bodyExample !== undefined ? { example: op.bodyExample } : {}) } } } }
      : {}),
    responses: { ...responses, ...errorResponses(op, used) } as ZodOpenApiOperationObject["responses"],
  };
}

const errorSchema = z
  .strictObject({
    error: z.strictObject({
      code: z.enum(allErrorCodes() as [ErrorCode, ...ErrorCode[]]),
      message: z.string().meta({ description: "For humans. Never echoes a value, a server key or a secret." }),
      details: z
        .array(
          z
            .strictObject({
              path: z.string().meta({ description: "The field, e.g. `entries.3.value`, or `(body)`." }),
              message: z.string(),
            })
            .meta({ id: "ErrorDetail" }),
        )
        .min(1)
        .max(20)
        .optional()
        .meta({ description: "Which fields were wrong, when known." }),
    }),
  })
  .meta({ id: "Error" });

function buildDocument(maxValueSize: number): Json {
  const used = new Map<string, ErrorCode[]>([
    ["MethodNotAllowed", ["METHOD_NOT_ALLOWED"]],
    ["NotFound", ["NOT_FOUND"]],
  ]);
  const paths: ZodOpenApiPathsObject = {};
  for (const op of operations) {
    paths[op.path] = { ...paths[op.path], [op.method.toLowerCase()]: operationObject(op, used) };
  }
  const doc = createDocument(
    {
      openapi: "3.1.0",
      // `summary` is OpenAPI 3.1; zod-openapi 5's InfoObject type predates it.
      info: {
        title: "Data Vault API",
        version: "1",
        summary: "Store and read client-side encrypted values by key hash.",
        description: [
          "The server never receives a plaintext key, a plaintext value or the app's secret: only a key hash and the client-side ciphertext.",
          "Every request except the health check and this document needs `Authorization: Bearer <server key>`.",
          "Every response has `Cache-Control: no-store` and an `X-Request-Id` header (the caller's own `X-Request-Id` when it is 1 to 64 of A-Z a-z 0-9 . _ : - starting with a letter or digit, else a new one); the audit trail records it with each request.",
          "There is no CORS.",
          "Errors have the shape `{\"error\": {\"code\", \"message\", \"details\"?}}`.",
          "Beyond the operations listed: a method a path does not have answers 405 METHOD_NOT_ALLOWED with an `Allow` header (components/responses/MethodNotAllowed), and an unknown path under /api/v1 answers 404 NOT_FOUND (components/responses/NotFound), both in the same error shape.",
          `Request bodies are capped at VAULT_MAX_VALUE_SIZE + 64 KiB bytes (${maxValueSize + 64 * 1024} here) while they stream, before parsing.`,
          "The human reference is docs/api.md.",
        ].join("\n\n"),
        license: { name: "See the project's LICENSE" },
      } as ZodOpenApiObject["info"],
      servers: [{ url: "/", description: "This vault" }],
      security: [{ serverKey: [] }],
      tags: [
        { name: "stores", description: "Stores are created in the dashboard or the admin CLI; the API reads their info." },
        { name: "entries", description: "Values under key hashes, with versions, check-and-set and expiry." },
        { name: "audit", description: "Who touched an entry: its access log, for server keys with the audit permission. Never a value." },
        { name: "leases", description: "Refresh leases on entries (extension): one holder at a time, fenced writes." },
        { name: "meta", description: "Health and this document; no auth." },
      ],
      paths,
      components: {
        schemas: { Error: errorSchema },
        securitySchemes: {
          serverKey: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "dvk_ followed by 43 base64url characters",
            description:
              "A server key, created in the dashboard or the admin CLI and shown once. It belongs to one project and may be limited to some stores and to read-only use. Its audit permission (read-write keys have it by default, read-only keys only when granted) allows reading entries' access logs.",
          },
        },
        headers: {
          CacheControl: { description: "Always no-store.", schema: { type: "string", const: "no-store" } },
          RetryAfter: { description: "Seconds to wait before retrying.", required: true, schema: { type: "integer", minimum: 1 } },
          Allow: { description: "The methods this path has.", required: true, schema: { type: "string" } },
        },
        responses: Object.fromEntries(
          [...used].map(([name, codes]) => [name, errorResponse(codes) as unknown as ZodOpenApiResponseObject]),
        ),
      },
    },
  ) as unknown as Json;
  // The one configuration-dependent number: the value limit.
  const schemas = (doc.components as { schemas: Record<string, Json> }).schemas;
  schemas.Ciphertext = { ...schemas.Ciphertext, maxLength: maxValueSize };
  return doc;
}

const cache = new Map<number, Json>();

/** The document for a server whose value limit is maxValueSize characters. */
export function openApiDocument(maxValueSize = DEFAULT_MAX_VALUE_SIZE): Json {
  let doc = cache.get(maxValueSize);
  if (!doc) {
    doc = buildDocument(maxValueSize);
    cache.set(maxValueSize, doc);
  }
  return doc;
}
