// Strict schemas for the v1 API (API.md). Unknown fields are rejected so a
// typo ("expires_at") is an error rather than silently ignored.
import { z } from "zod";
import { KEY_HASH_PATTERN, MAX_BATCH_KEYS, STORE_ID_PATTERN } from "../vault/ids";

export const storeIdSchema = z.string().regex(STORE_ID_PATTERN, "storeId: 1 to 63 of A-Z a-z 0-9 _ -, not starting with -");
export const keyHashSchema = z.string().regex(KEY_HASH_PATTERN, "keyHash: 16 to 128 base64url characters without padding");

export const storeParams = z.strictObject({ storeId: storeIdSchema });
export const entryParams = z.strictObject({ storeId: storeIdSchema, keyHash: keyHashSchema });

const value = z.string().min(1, "value: a non-empty string (the client-side ciphertext)");

// ISO-8601 with a zone, not in the past; null means "never expires".
const expiresAt = z
  .iso.datetime({ offset: true, message: "expiresAt: an ISO-8601 time with a zone (e.g. 2030-01-01T00:00:00Z), or null" })
  .nullable()
  .optional()
  .transform((v) => (v ? new Date(v) : null))
  .refine((d) => d === null || d.getTime() > Date.now(), "expiresAt: is in the past");

export const putBody = z.strictObject({
  value,
  expiresAt,
  ifVersion: z.number().int().min(0).max(2_147_483_647).optional(),
});

const distinct = (keys: string[]) => new Set(keys).size === keys.length;

export const batchGetBody = z.strictObject({
  keys: z
    .array(keyHashSchema)
    .min(1, "keys: at least 1")
    .max(MAX_BATCH_KEYS, `keys: at most ${MAX_BATCH_KEYS}`)
    .refine(distinct, "keys: no duplicates"),
});

export const batchSetBody = z.strictObject({
  entries: z
    .array(z.strictObject({ key: keyHashSchema, value, expiresAt }))
    .min(1, "entries: at least 1")
    .max(MAX_BATCH_KEYS, `entries: at most ${MAX_BATCH_KEYS}`)
    .refine((e) => distinct(e.map((x) => x.key)), "entries: no duplicate keys"),
});

// Query values are strings: only plain digits count ("", "0x10", "1e1" do not).
export const deleteQuery = z.strictObject({
  ifVersion: z
    .string()
    .regex(/^\d{1,10}$/, "ifVersion: a whole number of at least 0")
    .transform(Number)
    .pipe(z.number().max(2_147_483_647))
    .optional(),
});
