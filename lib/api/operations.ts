// The v1 API, one declaration per operation: method, path, access, schemas,
// the error codes particular to it, and the handler that calls one service.
// Everything else is derived from this table: request validation and the
// pipeline (dispatch.ts), the OpenAPI document (openapi.ts), the Next route
// files (one line each, route.ts), the lean node:http path of `npm start`
// (server/), and the list the contract tests walk.
// Adding an endpoint = one declaration here + its service function.
import "server-only";
import { getConfig } from "../config";
import { checkHealth } from "../health";
import { batchGet, batchSet, deleteEntry, getEntry, putEntry } from "../vault/entries";
import { acquireEntryLease, releaseEntryLease } from "../vault/leases";
import { getStoreInfo } from "../vault/stores";
import { getEntryAccessLog } from "../audit/access-log";
import { defineOperation, Reply, type Operation } from "./operation";
import {
  accessLogQuery,
  accessLogResponse,
  batchGetBody,
  batchGetResponse,
  batchSetBody,
  batchSetResponse,
  deleteQuery,
  deleteResponse,
  entryParams,
  entryResponse,
  healthResponse,
  leaseBody,
  leaseResponse,
  openApiResponse,
  putBody,
  putResponse,
  releaseLeaseBody,
  releaseLeaseResponse,
  storeParams,
  storeResponse,
} from "./v1-schemas";
import { CIPHERTEXT, ENTRY_EXAMPLE, KEY_A, KEY_B, LEASE_TOKEN } from "./examples";

export const operations: readonly Operation[] = [
  defineOperation({
    id: "getStore",
    method: "GET",
    path: "/api/v1/stores/{storeId}",
    access: "read",
    tag: "stores",
    summary: "Read a store's info",
    description:
      "`entryCount` counts live entries only: expired entries are excluded before the purge job removes them. `generations` (extension) splits the same live entries by the secret generation that wrote them. Needs read access to the store.",
    params: storeParams,
    responses: {
      200: {
        description: "The store.",
        schema: storeResponse,
        example: { id: "oauth-tokens", displayName: "OAuth tokens", entryCount: 42, createdAt: "2030-01-01T00:00:00.000Z", generations: [{ id: "Xq3vT0aB", entryCount: 40 }, { id: null, entryCount: 2 }] },
      },
    },
    errors: ["STORE_NOT_FOUND"],
    handler: ({ params, grant }) => getStoreInfo(grant!.projectId, params.storeId),
    audit: { action: "store.read" },
  }),
  defineOperation({
    id: "getEntry",
    method: "GET",
    path: "/api/v1/stores/{storeId}/entries/{keyHash}",
    access: "read",
    tag: "entries",
    summary: "Read an entry",
    description: "An expired entry is absent (404 ENTRY_NOT_FOUND). Needs read access to the store.",
    params: entryParams,
    responses: { 200: { description: "The entry.", schema: entryResponse, example: ENTRY_EXAMPLE } },
    errors: ["STORE_NOT_FOUND", "ENTRY_NOT_FOUND"],
    handler: ({ params, grant }) => getEntry(grant!.projectId, params.storeId, params.keyHash),
    audit: { action: "entry.read", keys: ({ params }) => [params.keyHash] },
  }),
  defineOperation({
    id: "putEntry",
    method: "PUT",
    path: "/api/v1/stores/{storeId}/entries/{keyHash}",
    access: "write",
    tag: "entries",
    summary: "Create or replace an entry",
    description:
      "A new entry starts at version 1; each write adds one. Writing over an expired entry makes a new one (version 1, `created: true`). Without `expiresAt` the entry never expires, even if the one it replaces did. Needs write access to the store.",
    params: entryParams,
    body: putBody,
    bodyExample: { value: CIPHERTEXT, expiresAt: "2030-06-01T00:00:00Z", ifVersion: 2 },
    responses: { 200: { description: "Written.", schema: putResponse, example: { version: 3, created: false } } },
    errors: ["STORE_NOT_FOUND", "VERSION_CONFLICT", "LEASE_LOST"],
    handler: ({ params, body, grant }) => putEntry(grant!.projectId, params.storeId, params.keyHash, body),
    audit: { action: "entry.write", keys: ({ params }) => [params.keyHash] },
  }),
  defineOperation({
    id: "deleteEntry",
    method: "DELETE",
    path: "/api/v1/stores/{storeId}/entries/{keyHash}",
    access: "write",
    tag: "entries",
    summary: "Delete an entry",
    description:
      "With `?ifVersion=n` the delete happens only if the entry's current version is n (an extension of the contract); otherwise 409 VERSION_CONFLICT and nothing changes. A missing or expired entry is 404 ENTRY_NOT_FOUND. Needs write access to the store.",
    params: entryParams,
    query: deleteQuery,
    responses: { 200: { description: "Deleted.", schema: deleteResponse, example: { deleted: true } } },
    errors: ["STORE_NOT_FOUND", "ENTRY_NOT_FOUND", "VERSION_CONFLICT"],
    handler: async ({ params, query, grant }) => {
      await deleteEntry(grant!.projectId, params.storeId, params.keyHash, query.ifVersion);
      return { deleted: true };
    },
    audit: { action: "entry.delete", keys: ({ params }) => [params.keyHash] },
  }),
  defineOperation({
    id: "batchGetEntries",
    method: "POST",
    path: "/api/v1/stores/{storeId}/entries/batch-get",
    access: "read",
    tag: "entries",
    summary: "Read up to 100 entries",
    description:
      "Every requested key appears in the answer, in request order; a missing or expired entry maps to null. The entries of one answer may hold at most VAULT_MAX_BATCH_RESPONSE_BYTES of stored ciphertext (default 4 MiB, never less than VAULT_MAX_VALUE_SIZE + 64 KiB); beyond it 413 RESPONSE_TOO_LARGE and nothing is read: ask for fewer keys. Needs read access to the store.",
    params: storeParams,
    body: batchGetBody,
    bodyExample: { keys: [KEY_A, KEY_B] },
    responses: { 200: { description: "The entries.", schema: batchGetResponse, example: { entries: { [KEY_A]: ENTRY_EXAMPLE, [KEY_B]: null } } } },
    errors: ["STORE_NOT_FOUND", "RESPONSE_TOO_LARGE"],
    handler: async ({ params, body, grant }) => ({ entries: await batchGet(grant!.projectId, params.storeId, body.keys) }),
    audit: {
      action: "entry.read",
      keys: ({ body }) => body?.keys,
      missed: (data, key) => (data as { entries: Record<string, unknown> }).entries[key] === null,
    },
  }),
  defineOperation({
    id: "batchSetEntries",
    method: "POST",
    path: "/api/v1/stores/{storeId}/entries/batch-set",
    access: "write",
    tag: "entries",
    summary: "Write up to 100 entries atomically",
    description:
      "All entries are written in one transaction, or none (any error leaves the store unchanged). Each entry's version follows the same rules as PUT. An item may carry ifVersion (extension): one mismatch fails the whole batch with 409 VERSION_CONFLICT. Needs write access to the store.",
    params: storeParams,
    body: batchSetBody,
    bodyExample: { entries: [{ key: KEY_A, value: CIPHERTEXT }, { key: KEY_B, value: CIPHERTEXT, expiresAt: "2030-06-01T00:00:00Z" }] },
    responses: { 200: { description: "Written; the new version of each key.", schema: batchSetResponse, example: { versions: { [KEY_A]: 4, [KEY_B]: 1 } } } },
    errors: ["STORE_NOT_FOUND", "VERSION_CONFLICT"],
    handler: async ({ params, body, grant }) => ({ versions: await batchSet(grant!.projectId, params.storeId, body.entries) }),
    audit: { action: "entry.write", keys: ({ body }) => body?.entries.map((e) => e.key) },
  }),
  defineOperation({
    id: "getEntryAccessLog",
    method: "GET",
    path: "/api/v1/stores/{storeId}/entries/{keyHash}/access-log",
    access: "audit",
    tag: "audit",
    summary: "Read an entry's access log",
    description:
      "The requests that named this key hash in this store, newest first: reads, writes, deletes, misses and refusals, with the server key, the client address and the request id. Never a value. The caller computes the key hash itself (the SDK's `getAccessLog`), so only someone who holds the app's secret and the logical key can ask about one user's secret. A deleted store's history stays until retention removes it (VAULT_AUDIT_RETENTION_DAYS). Events are written a moment after each request. Needs a server key allowed on the store with the audit permission. This request is itself recorded (action entry.access_log).",
    params: entryParams,
    query: accessLogQuery,
    responses: {
      200: {
        description: "The events, newest first.",
        schema: accessLogResponse,
        example: {
          events: [
            { at: "2030-01-02T08:30:00.000Z", action: "entry.read", operation: "getEntry", result: "ok", status: 200, serverKeyId: "cm1k3y0000000000000000000", clientAddress: "10.0.0.7", requestId: "5f0c2a4e-8d7b-4b7e-9a53-2b1c0d9e8f71" },
          ],
          nextCursor: null,
        },
      },
    },
    errors: [],
    handler: ({ params, query, grant }) => getEntryAccessLog(grant!.projectId, params.storeId, params.keyHash, query),
    audit: { action: "entry.access_log", keys: ({ params }) => [params.keyHash] },
  }),
  defineOperation({
    id: "acquireEntryLease",
    method: "POST",
    path: "/api/v1/stores/{storeId}/entries/{keyHash}/lease",
    access: "write",
    tag: "leases",
    summary: "Acquire or renew an entry's refresh lease",
    description:
      "Extension. At most one holder per entry (the entry need not exist). The answer is always 200: `acquired: true` with a new token (or the renewed one), the lease's expiry and the entry as it is now; or `acquired: false` with the reason: `held` (someone else holds it until `expiresAt`), `version` (ifVersion did not match; the current entry is included) or `lost` (a renewal whose token no longer holds the lease). A lease is not an entry: no count or list shows it. Needs write access to the store.",
    params: entryParams,
    body: leaseBody,
    bodyExample: { ttlMs: 30_000, ifVersion: 3 },
    responses: {
      200: {
        description: "The outcome.",
        schema: leaseResponse,
        example: { acquired: true, token: LEASE_TOKEN, expiresAt: "2030-01-02T08:30:30.000Z", version: 3, entry: ENTRY_EXAMPLE },
      },
    },
    errors: ["STORE_NOT_FOUND"],
    audit: { action: "entry.lease", keys: ({ params }) => [params.keyHash] },
    handler: ({ params, body, grant }) => acquireEntryLease(grant!.projectId, params.storeId, params.keyHash, body),
  }),
  defineOperation({
    id: "releaseEntryLease",
    method: "POST",
    path: "/api/v1/stores/{storeId}/entries/{keyHash}/lease/release",
    access: "write",
    tag: "leases",
    summary: "End an entry's refresh lease",
    description:
      "Extension. Ends the lease if the token still holds it (`released: false` otherwise: it ended, ran out and was taken over, or was never this token's). Needs write access to the store.",
    params: entryParams,
    body: releaseLeaseBody,
    bodyExample: { token: LEASE_TOKEN },
    responses: { 200: { description: "Done.", schema: releaseLeaseResponse, example: { released: true } } },
    errors: ["STORE_NOT_FOUND"],
    audit: { action: "entry.lease_release", keys: ({ params }) => [params.keyHash] },
    handler: ({ params, body, grant }) => releaseEntryLease(grant!.projectId, params.storeId, params.keyHash, body.token),
  }),
  defineOperation({
    id: "getHealth",
    method: "GET",
    path: "/api/health",
    access: "public",
    tag: "meta",
    summary: "Health check",
    description: "No auth. 200 when the database answers within 2 seconds, 503 otherwise.",
    responses: {
      200: { description: "The vault and its database are up.", schema: healthResponse, example: { status: "ok" } },
      503: { description: "The database is unreachable.", schema: healthResponse, example: { status: "unavailable" } },
    },
    errors: [],
    handler: async () => ((await checkHealth()) ? { status: "ok" } : new Reply(503, { status: "unavailable" })),
  }),
  defineOperation({
    id: "getOpenApiDocument",
    method: "GET",
    path: "/api/v1/openapi.json",
    access: "public",
    tag: "meta",
    summary: "This document",
    description: "No auth. Value limits in it reflect this server's configuration.",
    responses: { 200: { description: "The OpenAPI 3.1 document.", schema: openApiResponse } },
    errors: [],
    // Imported when asked: openapi.ts reads this table.
    handler: async () => (await import("./openapi")).openApiDocument(getConfig().VAULT_MAX_VALUE_SIZE),
  }),
];
