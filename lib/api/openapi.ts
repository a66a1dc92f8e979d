// The OpenAPI 3.1 document of the v1 API, served at /api/v1/openapi.json.
// Request schemas come from the zod schemas the routes validate with
// (v1-schemas.ts), so the two cannot drift; response schemas are written
// here, and openapi.int.test.ts checks real responses against them.
// No "server-only": it is plain data that a script may also print.
import { z } from "zod";
import { MAX_BATCH_KEYS } from "../vault/ids";
import { batchGetBody, batchSetBody, deleteQuery, keyHashSchema, putBody, storeIdSchema } from "./v1-schemas";

export const DEFAULT_MAX_VALUE_SIZE = 2_097_152;

type Json = Record<string, unknown>;

/** A zod schema as JSON Schema (the input side, i.e. what a client sends). */
function fromZod(schema: z.ZodType): Json {
  // $schema is dropped: OpenAPI 3.1 schemas default to the 2020-12 dialect.
  const json = z.toJSONSchema(schema, { io: "input", target: "draft-2020-12" }) as Json;
  delete json.$schema;
  return json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** Sets keys on nested objects of a generated schema (refinements zod cannot express). */
function patch(schema: Json, path: string[], extra: Json): Json {
  let node: Json = schema;
  for (const key of path) node = node[key] as Json;
  Object.assign(node, extra);
  return schema;
}

const ERROR_CODES = [
  "INVALID_REQUEST",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "STORE_NOT_FOUND",
  "ENTRY_NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "VERSION_CONFLICT",
  "VALUE_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL",
] as const;
type V1ErrorCode = (typeof ERROR_CODES)[number];

const noStore = { $ref: "#/components/headers/CacheControl" };

function errorResponse(description: string, codes: V1ErrorCode[], message: string, headers: Json = {}): Json {
  return {
    description,
    headers: { "Cache-Control": noStore, ...headers },
    content: {
      "application/json": {
        schema: {
          allOf: [
            ref("Error"),
            { type: "object", properties: { error: { type: "object", properties: { code: { enum: codes } } } } },
          ],
        },
        example: { error: { code: codes[0], message } },
      },
    },
  };
}

function ok(description: string, schemaName: string, example: unknown): Json {
  return {
    description,
    headers: { "Cache-Control": noStore },
    content: { "application/json": { schema: ref(schemaName), example } },
  };
}

function jsonBody(schemaName: string, example: unknown): Json {
  return { required: true, content: { "application/json": { schema: ref(schemaName), example } } };
}

/** The error responses every server-key operation can give. */
function commonErrors(notFound: "StoreNotFound" | "StoreOrEntryNotFound"): Json {
  return {
    "400": responseRef("InvalidRequest"),
    "401": responseRef("Unauthenticated"),
    "403": responseRef("Forbidden"),
    "404": responseRef(notFound),
    "429": responseRef("RateLimited"),
    "500": responseRef("Internal"),
  };
}

const bodyErrors = {
  "413": responseRef("ValueTooLarge"),
  "415": responseRef("UnsupportedMediaType"),
};

// From sdk/test-vectors.json: what the SDK really sends.
const KEY_A = "zrKiD4JLBvfHVzPyW8MPwOMnUgPL20_sv3xptBbPqwE";
const KEY_B = "Qm9vay1rZXktaGFzaC1leGFtcGxlLTAwMDAwMDAwMDE";
const CIPHERTEXT = "v1.AAECAwQFBgcICQoLHTSRff7R2OoxgclZteLKeWSdswb5Tq10C0PmfHE9LfUHKxI9gTIDxWlRCzY_blYzTTyU9xSpwOE";
const ENTRY_EXAMPLE = {
  value: CIPHERTEXT,
  version: 3,
  createdAt: "2030-01-01T00:00:00.000Z",
  updatedAt: "2030-01-02T08:30:00.000Z",
  expiresAt: null,
};

function buildDocument(maxValueSize: number): Json {
  const timestamp = { type: "string", format: "date-time", description: "ISO-8601, UTC." };
  const valueLimit = `At most ${maxValueSize} characters on this server (VAULT_MAX_VALUE_SIZE); beyond it 413 VALUE_TOO_LARGE.`;

  const putRequest = patch(fromZod(putBody), ["properties", "value"], { maxLength: maxValueSize, description: `The client-side ciphertext. ${valueLimit}` });
  patch(putRequest, ["properties", "expiresAt"], {
    description: "When the entry expires: an ISO-8601 time with a zone, in the future; null or absent means never. After it passes the entry is absent everywhere.",
  });
  patch(putRequest, ["properties", "ifVersion"], {
    description: "Check-and-set: write only if the entry's current version equals this; 0 means only if absent. Otherwise 409 VERSION_CONFLICT and nothing changes.",
  });

  const batchGetRequest = patch(fromZod(batchGetBody), ["properties", "keys"], {
    uniqueItems: true,
    description: `1 to ${MAX_BATCH_KEYS} distinct key hashes.`,
  });

  const batchSetRequest = patch(fromZod(batchSetBody), ["properties", "entries"], {
    description: `1 to ${MAX_BATCH_KEYS} entries with distinct keys (a duplicate key is 400). All are written, or none. The whole body is capped at ${maxValueSize + 64 * 1024} bytes.`,
  });
  patch(batchSetRequest, ["properties", "entries", "items", "properties", "value"], { maxLength: maxValueSize, description: `The client-side ciphertext. ${valueLimit}` });

  const ifVersionQuery = (fromZod(deleteQuery) as { properties: { ifVersion: Json } }).properties.ifVersion;

  const keyHashMap = (valueSchema: Json) => ({
    type: "object",
    propertyNames: ref("KeyHash"),
    additionalProperties: valueSchema,
  });

  return {
    openapi: "3.1.0",
    info: {
      title: "Data Vault API",
      version: "1",
      summary: "Store and read client-side encrypted values by key hash.",
      description: [
        "The server never receives a plaintext key, a plaintext value or the app's secret: only a key hash and the client-side ciphertext.",
        "Every request except the health check and this document needs `Authorization: Bearer <server key>`.",
        "Every response has `Cache-Control: no-store`. There is no CORS.",
        "Errors have the shape `{\"error\": {\"code\", \"message\", \"details\"?}}`.",
        "Beyond the operations listed: a method a path does not have answers 405 METHOD_NOT_ALLOWED with an `Allow` header, and an unknown path under /api/v1 answers 404 NOT_FOUND, both in the same error shape.",
        `Request bodies are capped at VAULT_MAX_VALUE_SIZE + 64 KiB bytes (${maxValueSize + 64 * 1024} here) before parsing.`,
        "The human reference is docs/api.md.",
      ].join("\n\n"),
      license: { name: "See the project's LICENSE" },
    },
    servers: [{ url: "/", description: "This vault" }],
    security: [{ serverKey: [] }],
    tags: [
      { name: "stores", description: "Stores are created in the dashboard or the admin CLI; the API reads their info." },
      { name: "entries", description: "Values under key hashes, with versions, check-and-set and expiry." },
      { name: "meta", description: "Health and this document; no auth." },
    ],
    paths: {
      "/api/v1/stores/{storeId}": {
        parameters: [{ $ref: "#/components/parameters/StoreId" }],
        get: {
          operationId: "getStore",
          tags: ["stores"],
          summary: "Read a store's info",
          description: "`entryCount` counts live entries only: expired entries are excluded before the purge job removes them. Needs read access to the store.",
          responses: { "200": ok("The store.", "Store", { id: "oauth-tokens", displayName: "OAuth tokens", entryCount: 42, createdAt: "2030-01-01T00:00:00.000Z" }), ...commonErrors("StoreNotFound") },
        },
      },
      "/api/v1/stores/{storeId}/entries/{keyHash}": {
        parameters: [{ $ref: "#/components/parameters/StoreId" }, { $ref: "#/components/parameters/KeyHash" }],
        get: {
          operationId: "getEntry",
          tags: ["entries"],
          summary: "Read an entry",
          description: "An expired entry is absent (404 ENTRY_NOT_FOUND). Needs read access to the store.",
          responses: { "200": ok("The entry.", "Entry", ENTRY_EXAMPLE), ...commonErrors("StoreOrEntryNotFound") },
        },
        put: {
          operationId: "putEntry",
          tags: ["entries"],
          summary: "Create or replace an entry",
          description:
            "A new entry starts at version 1; each write adds one. Writing over an expired entry makes a new one (version 1, `created: true`). Without `expiresAt` the entry never expires, even if the one it replaces did. Needs write access to the store.",
          requestBody: jsonBody("PutEntryRequest", { value: CIPHERTEXT, expiresAt: "2030-06-01T00:00:00Z", ifVersion: 2 }),
          responses: {
            "200": ok("Written.", "PutEntryResponse", { version: 3, created: false }),
            ...commonErrors("StoreNotFound"),
            "409": responseRef("VersionConflict"),
            ...bodyErrors,
          },
        },
        delete: {
          operationId: "deleteEntry",
          tags: ["entries"],
          summary: "Delete an entry",
          description:
            "With `?ifVersion=n` the delete happens only if the entry's current version is n (an extension of the contract); otherwise 409 VERSION_CONFLICT and nothing changes. A missing or expired entry is 404 ENTRY_NOT_FOUND. Needs write access to the store.",
          parameters: [
            {
              name: "ifVersion",
              in: "query",
              required: false,
              description: "Check-and-set: delete only if the current version equals this. No other query parameters are accepted.",
              schema: ifVersionQuery,
            },
          ],
          responses: {
            "200": ok("Deleted.", "DeleteEntryResponse", { deleted: true }),
            ...commonErrors("StoreOrEntryNotFound"),
            "409": responseRef("VersionConflict"),
          },
        },
      },
      "/api/v1/stores/{storeId}/entries/batch-get": {
        parameters: [{ $ref: "#/components/parameters/StoreId" }],
        post: {
          operationId: "batchGetEntries",
          tags: ["entries"],
          summary: "Read up to 100 entries",
          description: "Every requested key appears in the answer, in request order; a missing or expired entry maps to null. Needs read access to the store.",
          requestBody: jsonBody("BatchGetRequest", { keys: [KEY_A, KEY_B] }),
          responses: {
            "200": ok("The entries.", "BatchGetResponse", { entries: { [KEY_A]: ENTRY_EXAMPLE, [KEY_B]: null } }),
            ...commonErrors("StoreNotFound"),
            ...bodyErrors,
          },
        },
      },
      "/api/v1/stores/{storeId}/entries/batch-set": {
        parameters: [{ $ref: "#/components/parameters/StoreId" }],
        post: {
          operationId: "batchSetEntries",
          tags: ["entries"],
          summary: "Write up to 100 entries atomically",
          description: "All entries are written in one transaction, or none (any error leaves the store unchanged). Each entry's version follows the same rules as PUT; there is no ifVersion here. Needs write access to the store.",
          requestBody: jsonBody("BatchSetRequest", { entries: [{ key: KEY_A, value: CIPHERTEXT }, { key: KEY_B, value: CIPHERTEXT, expiresAt: "2030-06-01T00:00:00Z" }] }),
          responses: {
            "200": ok("Written; the new version of each key.", "BatchSetResponse", { versions: { [KEY_A]: 4, [KEY_B]: 1 } }),
            ...commonErrors("StoreNotFound"),
            ...bodyErrors,
          },
        },
      },
      "/api/health": {
        get: {
          operationId: "getHealth",
          tags: ["meta"],
          summary: "Health check",
          description: "No auth. 200 when the database answers within 2 seconds, 503 otherwise.",
          security: [],
          responses: {
            "200": ok("The vault and its database are up.", "Health", { status: "ok" }),
            "503": ok("The database is unreachable.", "Health", { status: "unavailable" }),
          },
        },
      },
      "/api/v1/openapi.json": {
        get: {
          operationId: "getOpenApiDocument",
          tags: ["meta"],
          summary: "This document",
          description: "No auth. Value limits in it reflect this server's configuration.",
          security: [],
          responses: {
            "200": {
              description: "The OpenAPI 3.1 document.",
              headers: { "Cache-Control": noStore },
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    required: ["openapi", "info", "paths"],
                    properties: { openapi: { const: "3.1.0" }, info: { type: "object" }, paths: { type: "object" } },
                  },
                },
              },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: {
        serverKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "dvk_ followed by 43 base64url characters",
          description: "A server key, created in the dashboard or the admin CLI and shown once. It belongs to one project and may be limited to some stores and to read-only use.",
        },
      },
      parameters: {
        StoreId: { name: "storeId", in: "path", required: true, description: "The store's id, unique within the key's project.", schema: ref("StoreId") },
        KeyHash: { name: "keyHash", in: "path", required: true, description: "The SDK's hash of the logical key; opaque to the server.", schema: ref("KeyHash") },
      },
      headers: {
        CacheControl: { description: "Always no-store.", schema: { type: "string", const: "no-store" } },
        RetryAfter: { description: "Seconds to wait before retrying.", required: true, schema: { type: "integer", minimum: 1 } },
        Allow: { description: "The methods this path has.", required: true, schema: { type: "string" } },
      },
      schemas: {
        StoreId: { ...fromZod(storeIdSchema), description: "1 to 63 of A-Z a-z 0-9 _ -, not starting with -." },
        KeyHash: { ...fromZod(keyHashSchema), description: "base64url without padding, 16 to 128 characters." },
        Store: {
          type: "object",
          required: ["id", "displayName", "entryCount", "createdAt"],
          additionalProperties: false,
          properties: {
            id: ref("StoreId"),
            displayName: { type: "string" },
            entryCount: { type: "integer", minimum: 0, description: "Live (unexpired) entries." },
            createdAt: timestamp,
          },
        },
        Entry: {
          type: "object",
          required: ["value", "version", "createdAt", "updatedAt", "expiresAt"],
          additionalProperties: false,
          properties: {
            value: { type: "string", minLength: 1, description: "The client-side ciphertext, as written." },
            version: { type: "integer", minimum: 1, description: "1 for a new entry, plus one on every write." },
            createdAt: { ...timestamp, description: "When this entry was created (kept across overwrites). ISO-8601, UTC." },
            updatedAt: { ...timestamp, description: "The last write. ISO-8601, UTC." },
            expiresAt: { anyOf: [timestamp, { type: "null" }], description: "When it expires, or null for never." },
          },
        },
        PutEntryRequest: putRequest,
        PutEntryResponse: {
          type: "object",
          required: ["version", "created"],
          additionalProperties: false,
          properties: {
            version: { type: "integer", minimum: 1, description: "The entry's version after this write." },
            created: { type: "boolean", description: "True when this PUT made a new entry." },
          },
        },
        DeleteEntryResponse: {
          type: "object",
          required: ["deleted"],
          additionalProperties: false,
          properties: { deleted: { const: true } },
        },
        BatchGetRequest: batchGetRequest,
        BatchGetResponse: {
          type: "object",
          required: ["entries"],
          additionalProperties: false,
          properties: { entries: { ...keyHashMap({ anyOf: [ref("Entry"), { type: "null" }] }), description: "Every requested key hash; null when missing or expired." } },
        },
        BatchSetRequest: batchSetRequest,
        BatchSetResponse: {
          type: "object",
          required: ["versions"],
          additionalProperties: false,
          properties: { versions: { ...keyHashMap({ type: "integer", minimum: 1 }), description: "The new version of every written key hash." } },
        },
        Health: {
          type: "object",
          required: ["status"],
          additionalProperties: false,
          properties: { status: { enum: ["ok", "unavailable"] } },
        },
        ErrorDetail: {
          type: "object",
          required: ["path", "message"],
          additionalProperties: false,
          properties: {
            path: { type: "string", description: "The field, e.g. `entries.3.value`, or `(body)`." },
            message: { type: "string" },
          },
        },
        Error: {
          type: "object",
          required: ["error"],
          additionalProperties: false,
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              additionalProperties: false,
              properties: {
                code: { enum: [...ERROR_CODES] },
                message: { type: "string", description: "For humans. Never echoes a value, a server key or a secret." },
                details: { type: "array", items: ref("ErrorDetail"), minItems: 1, maxItems: 20, description: "Which fields were wrong, when known." },
              },
            },
          },
        },
      },
      responses: {
        InvalidRequest: errorResponse("Bad JSON, a bad id, a schema violation (including unknown fields and an expiresAt in the past) or a bad query.", ["INVALID_REQUEST"], "invalid body"),
        Unauthenticated: errorResponse("Missing, malformed, unknown or revoked server key.", ["UNAUTHENTICATED"], "unknown or revoked server key"),
        Forbidden: errorResponse("The key is not allowed on this store, or is read-only and this is a write.", ["FORBIDDEN"], "this server key is read-only"),
        StoreNotFound: errorResponse("No such store in the key's project (also for other projects' stores).", ["STORE_NOT_FOUND"], 'no store "oauth-tokens" in this project'),
        StoreOrEntryNotFound: errorResponse("No such store in the key's project, or no live entry under that key hash.", ["STORE_NOT_FOUND", "ENTRY_NOT_FOUND"], "no entry under that key hash"),
        VersionConflict: errorResponse("ifVersion did not match the entry's current version; nothing changed.", ["VERSION_CONFLICT"], "the entry is at version 3, not 2"),
        ValueTooLarge: errorResponse("A value or the whole body is over the limit.", ["VALUE_TOO_LARGE"], `value is over the limit of ${maxValueSize} characters`),
        UnsupportedMediaType: errorResponse("The body is not declared as JSON (Content-Type: application/json).", ["UNSUPPORTED_MEDIA_TYPE"], "the body must be JSON (Content-Type: application/json)"),
        RateLimited: errorResponse("Too many requests for this server key.", ["RATE_LIMITED"], "too many requests for this server key; retry later", {
          "Retry-After": { $ref: "#/components/headers/RetryAfter" },
        }),
        Internal: errorResponse("An internal error; no details are returned.", ["INTERNAL"], "internal error"),
        MethodNotAllowed: errorResponse("The path does not have this method (any path of this API).", ["METHOD_NOT_ALLOWED"], "allowed methods: GET", {
          Allow: { $ref: "#/components/headers/Allow" },
        }),
        UnknownPath: errorResponse("No such path under /api/v1.", ["NOT_FOUND"], "no such API path"),
      },
    },
  };
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
