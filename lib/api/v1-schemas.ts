// The v1 API's schemas (API.md): requests are strict (an unknown field such
// as "expires_at" is an error, not silently ignored), responses are what the
// handlers return. The operation table (operations.ts) points at these; the
// OpenAPI document is generated from them (openapi.ts), so the validation and
// the document cannot drift. `.meta({ id })` makes a schema a named component.
import { z } from "zod";
import { getConfig } from "../config";
import { KEY_HASH_PATTERN, MAX_BATCH_KEYS, STORE_ID_PATTERN } from "../vault/ids";
import { isWellFormed, NOT_WELL_FORMED } from "../well-formed";

export const storeIdSchema = z
  .string()
  .regex(STORE_ID_PATTERN, "storeId: 1 to 63 of A-Z a-z 0-9 _ -, not starting with -")
  .meta({ id: "StoreId", description: "1 to 63 of A-Z a-z 0-9 _ -, not starting with -.", examples: ["oauth-tokens"] });
export const keyHashSchema = z
  .string()
  .regex(KEY_HASH_PATTERN, "keyHash: 16 to 128 base64url characters without padding")
  .meta({ id: "KeyHash", description: "The SDK's hash of the logical key, base64url without padding, 16 to 128 characters; opaque to the server." });

export const storeParams = z.strictObject({ storeId: storeIdSchema });
export const entryParams = z.strictObject({ storeId: storeIdSchema, keyHash: keyHashSchema });

/**
 * The client-side ciphertext. Its size limit is configuration
 * (VAULT_MAX_VALUE_SIZE): over it is 413 VALUE_TOO_LARGE, not 400, which
 * the issue's `code` param tells the request core (lib/http/core.ts). A lone
 * surrogate would be stored as U+FFFD: the client would read back something
 * else than it wrote (issue 10), so it is a 400.
 */
export const ciphertextSchema = z
  .string()
  .min(1, "value: a non-empty string (the client-side ciphertext)")
  .refine(isWellFormed, `value: ${NOT_WELL_FORMED}`)
  .superRefine((v, ctx) => {
    const max = getConfig().VAULT_MAX_VALUE_SIZE;
    if (v.length > max) ctx.addIssue({ code: "custom", message: `value is over the limit of ${max} characters`, params: { code: "VALUE_TOO_LARGE" } });
  })
  .meta({
    id: "Ciphertext",
    description:
      "The client-side ciphertext, a non-empty string of well-formed Unicode (no lone surrogates: 400); at most VAULT_MAX_VALUE_SIZE characters (beyond it 413 VALUE_TOO_LARGE).",
  });

/** The last instant both databases and ISO-8601's four-digit years can hold. */
export const MAX_EXPIRES_AT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

// ISO-8601 with a zone, not in the past, and not after year 9999 in UTC (a
// late time with a negative offset lands in year 10000: PostgreSQL refused
// it with a 500 and SQLite stored "+010000-..."); null means "never expires".
const expiresAt = z
  .iso.datetime({ offset: true, message: "expiresAt: an ISO-8601 time with a zone (e.g. 2030-01-01T00:00:00Z), or null" })
  .nullable()
  .optional()
  .transform((v) => (v ? new Date(v) : null))
  .refine((d) => d === null || d.getTime() > Date.now(), "expiresAt: is in the past")
  .refine((d) => d === null || d.getTime() <= MAX_EXPIRES_AT_MS, "expiresAt: must be at most 9999-12-31T23:59:59.999Z")
  .meta({
    description:
      "When the entry expires: an ISO-8601 time with a zone, in the future and at most 9999-12-31T23:59:59.999Z (UTC); null or absent means never. After it passes the entry is absent everywhere.",
  });

const ifVersionSchema = z.number().int().min(0).max(2_147_483_647);

// The SDK's short, non-secret id of the app secret that encrypted a value
// (docs/crypto.md); stored with the entry only to count entries per secret.
export const generationSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{4,32}$/, "generation: 4 to 32 base64url characters")
  .meta({ id: "Generation", description: "The SDK's short, non-secret id of the app secret generation that encrypted the value (docs/crypto.md); the store counts entries per generation." });
// Lease tokens are issued by the vault (22 characters today); the pattern leaves room.
export const leaseTokenSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{16,128}$/, "token: 16 to 128 base64url characters")
  .meta({ id: "LeaseToken", description: "A lease's token, issued by the vault. It fences writes; it is not a credential." });

export const putBody = z
  .strictObject({
    value: ciphertextSchema,
    expiresAt,
    ifVersion: ifVersionSchema
      .optional()
      .meta({ description: "Check-and-set: write only if the entry's current version equals this; 0 means only if absent. Otherwise 409 VERSION_CONFLICT and nothing changes." }),
    generation: generationSchema.nullable().optional(),
    leaseToken: leaseTokenSchema.optional().meta({ description: "Write under a refresh lease (extension): refused with 409 LEASE_LOST once the lease was taken over." }),
    releaseLease: z.boolean().optional().meta({ description: "With leaseToken: end the lease in the same transaction as the write (extension)." }),
  })
  .refine((b) => b.releaseLease === undefined || b.leaseToken !== undefined, { message: "releaseLease: only with leaseToken", path: ["releaseLease"] })
  .meta({ id: "PutEntryRequest", dependentRequired: { releaseLease: ["leaseToken"] } });

const distinct = (keys: string[]) => new Set(keys).size === keys.length;

export const batchGetBody = z
  .strictObject({
    keys: z
      .array(keyHashSchema)
      .min(1, "keys: at least 1")
      .max(MAX_BATCH_KEYS, `keys: at most ${MAX_BATCH_KEYS}`)
      .refine(distinct, "keys: no duplicates")
      .meta({ uniqueItems: true, description: `1 to ${MAX_BATCH_KEYS} distinct key hashes.` }),
  })
  .meta({ id: "BatchGetRequest" });

export const batchSetBody = z
  .strictObject({
    entries: z
      .array(
        z.strictObject({
          key: keyHashSchema,
          value: ciphertextSchema,
          expiresAt,
          ifVersion: ifVersionSchema.optional().meta({ description: "Check-and-set per item (extension): one mismatch fails the whole batch with 409 VERSION_CONFLICT." }),
          generation: generationSchema.nullable().optional(),
        }),
      )
      .min(1, "entries: at least 1")
      .max(MAX_BATCH_KEYS, `entries: at most ${MAX_BATCH_KEYS}`)
      .refine((e) => distinct(e.map((x) => x.key)), "entries: no duplicate keys")
      .meta({ description: `1 to ${MAX_BATCH_KEYS} entries with distinct keys (a duplicate key is 400). All are written, or none.` }),
  })
  .meta({ id: "BatchSetRequest" });

// Query values are strings: only plain digits count ("", "0x10", "1e1" do not).
export const deleteQuery = z.strictObject({
  ifVersion: z
    .string()
    .regex(/^\d{1,10}$/, "ifVersion: a whole number of at least 0")
    .transform(Number)
    .pipe(z.number().max(2_147_483_647))
    .optional()
    .meta({ description: "Check-and-set: delete only if the current version equals this. No other query parameters are accepted." }),
});

export const LEASE_MIN_MS = 100;
export const LEASE_MAX_MS = 600_000;

export const leaseBody = z
  .strictObject({
    ttlMs: z.number().int().min(LEASE_MIN_MS, `ttlMs: at least ${LEASE_MIN_MS}`).max(LEASE_MAX_MS, `ttlMs: at most ${LEASE_MAX_MS}`).meta({ description: "How long the lease lasts unless renewed, ms." }),
    token: leaseTokenSchema.optional().meta({ description: "Renew this lease instead of acquiring one." }),
    ifVersion: ifVersionSchema.optional().meta({ description: "Acquire only if the entry is at this version (0: absent); otherwise reason \"version\"." }),
  })
  .refine((b) => b.token === undefined || b.ifVersion === undefined, { message: "ifVersion: not with token (a renewal)", path: ["ifVersion"] })
  .meta({ id: "LeaseRequest", dependentSchemas: { token: { not: { required: ["ifVersion"] } } } });

export const releaseLeaseBody = z.strictObject({ token: leaseTokenSchema }).meta({ id: "ReleaseLeaseRequest" });

// ---------------------------------------------------------------- responses

const timestamp = z.string().meta({ format: "date-time", description: "ISO-8601, UTC." });

export const storeResponse = z
  .strictObject({
    id: storeIdSchema,
    displayName: z.string(),
    entryCount: z.number().int().min(0).meta({ description: "Live (unexpired) entries." }),
    createdAt: timestamp,
    generations: z
      .array(
        z
          .strictObject({
            id: generationSchema.nullable().meta({ description: "The generation id; null for entries written without one (older SDKs, format v1)." }),
            entryCount: z.number().int().min(1),
          })
          .meta({ id: "GenerationCount" }),
      )
      .meta({ description: "Extension: the same live entries, counted by the secret generation that wrote them." }),
  })
  .meta({ id: "Store" });

export const entryResponse = z
  .strictObject({
    value: z.string().min(1).meta({ description: "The client-side ciphertext, as written." }),
    version: z.number().int().min(1).meta({ description: "1 for a new entry, plus one on every write." }),
    createdAt: timestamp.meta({ description: "When this entry was created (kept across overwrites). ISO-8601, UTC." }),
    updatedAt: timestamp.meta({ description: "The last write. ISO-8601, UTC." }),
    expiresAt: timestamp.nullable().meta({ description: "When it expires, or null for never." }),
  })
  .meta({ id: "Entry" });

export const putResponse = z
  .strictObject({
    version: z.number().int().min(1).meta({ description: "The entry's version after this write." }),
    created: z.boolean().meta({ description: "True when this PUT made a new entry." }),
  })
  .meta({ id: "PutEntryResponse" });

export const deleteResponse = z.strictObject({ deleted: z.literal(true) }).meta({ id: "DeleteEntryResponse" });

export const batchGetResponse = z
  .strictObject({
    entries: z.record(keyHashSchema, entryResponse.nullable()).meta({ description: "Every requested key hash, in request order; null when missing or expired." }),
  })
  .meta({ id: "BatchGetResponse" });

export const batchSetResponse = z
  .strictObject({
    versions: z.record(keyHashSchema, z.number().int().min(1)).meta({ description: "The new version of every written key hash." }),
  })
  .meta({ id: "BatchSetResponse" });

export const healthResponse = z.strictObject({ status: z.enum(["ok", "unavailable"]) }).meta({ id: "Health" });

export const openApiResponse = z
  .looseObject({ openapi: z.literal("3.1.0"), info: z.looseObject({}), paths: z.looseObject({}) })
  .meta({ description: "The OpenAPI 3.1 document." });

// ---------------------------------------------------------------- the access log

export const accessLogQuery = z.strictObject({
  since: z.iso
    .datetime({ offset: true, message: "since: an ISO-8601 time with a zone (e.g. 2030-01-01T00:00:00Z)" })
    .transform((v) => new Date(v))
    .optional()
    .meta({ description: "Only events at or after this time. ISO-8601 with a zone." }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, "limit: a whole number from 1 to 1000")
    .transform(Number)
    .pipe(z.number().min(1, "limit: a whole number from 1 to 1000").max(1000, "limit: a whole number from 1 to 1000"))
    .optional()
    .meta({ description: "Most events in this answer, 1 to 1000; default 100." }),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{28}$/, "cursor: the nextCursor of an earlier answer")
    .optional()
    .meta({ description: "The `nextCursor` of the previous page: continues with older events." }),
});

export const accessEventSchema = z
  .strictObject({
    at: timestamp.meta({ description: "When the request arrived. ISO-8601, UTC." }),
    action: z.enum(["entry.read", "entry.write", "entry.delete", "entry.access_log"]).meta({ description: "What the request did to the entry." }),
    operation: z.string().meta({ description: "The v1 operation (its operationId), e.g. getEntry or batchGetEntries." }),
    result: z
      .enum(["ok", "miss", "denied", "rate_limited", "conflict", "too_large", "invalid", "not_found", "error"])
      .meta({ description: "ok; miss (no live entry); denied (401/403); rate_limited (429); conflict (409); too_large (413); invalid (400/415); not_found (no such store); error (5xx)." }),
    status: z.number().int().nullable().meta({ description: "The HTTP status of the answer." }),
    serverKeyId: z.string().nullable().meta({ description: "The id of the server key that made the request (never the key itself)." }),
    clientAddress: z.string().nullable().meta({ description: "The client address the vault saw." }),
    requestId: z.string().nullable().meta({ description: "The request's id (the X-Request-Id answer header)." }),
  })
  .meta({ id: "AccessEvent" });

export const accessLogResponse = z
  .strictObject({
    events: z.array(accessEventSchema).meta({ description: "Newest first." }),
    nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for older events; null when there are no more." }),
  })
  .meta({ id: "AccessLog" });

const leaseVersion = z.number().int().min(0).meta({ description: "The entry's current version; 0 when absent." });

export const leaseResponse = z
  .union([
    z.strictObject({
      acquired: z.literal(true),
      token: leaseTokenSchema,
      expiresAt: timestamp.meta({ description: "When the lease runs out unless renewed." }),
      version: leaseVersion,
      entry: entryResponse.nullable().meta({ description: "The entry as of the acquisition, or null when absent." }),
    }),
    z.strictObject({
      acquired: z.literal(false),
      reason: z.literal("held"),
      expiresAt: timestamp.meta({ description: "When the current holder's lease runs out unless renewed." }),
      version: leaseVersion,
    }),
    z.strictObject({ acquired: z.literal(false), reason: z.literal("version"), version: leaseVersion, entry: entryResponse.nullable() }),
    z.strictObject({ acquired: z.literal(false), reason: z.literal("lost"), version: leaseVersion }),
  ])
  .meta({ id: "LeaseResponse" });

export const releaseLeaseResponse = z
  .strictObject({ released: z.boolean().meta({ description: "False when the token no longer held the lease." }) })
  .meta({ id: "ReleaseLeaseResponse" });
