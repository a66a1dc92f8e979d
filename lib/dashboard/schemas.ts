// Input rules of the dashboard, shared by the forms (checked as you type)
// and the route handlers (checked again on the server). Client-safe.
import { z } from "zod";
import { STORE_ID_PATTERN } from "@/lib/vault/ids";

export const MIN_PASSWORD_LENGTH = 10;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "At most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, "At most 200 characters.");

export const signUpSchema = z.strictObject({
  name: z.string().trim().max(100, "At most 100 characters.").optional(),
  email: emailSchema,
  password: passwordSchema,
});

const projectName = z.string().trim().min(1, "Enter a project name.").max(64, "At most 64 characters.");
export const createProjectSchema = z.strictObject({ name: projectName });
export const renameProjectSchema = z.strictObject({ name: projectName });

export const roleSchema = z.enum(["owner", "member"]);
export type Role = z.infer<typeof roleSchema>;
export const addMemberSchema = z.strictObject({ email: emailSchema, role: roleSchema });
export const updateMemberSchema = z.strictObject({ role: roleSchema });

export const storeIdSchema = z
  .string()
  .min(1, "Enter a store id.")
  .max(63, "At most 63 characters.")
  .regex(STORE_ID_PATTERN, "Letters, digits, _ and - only; it cannot start with -.");

export const createStoreSchema = z.strictObject({
  storeId: storeIdSchema,
  displayName: z.string().trim().min(1, "Enter a display name.").max(100, "At most 100 characters."),
  description: z.string().trim().max(500, "At most 500 characters.").optional(),
});

export const createServerKeySchema = z.strictObject({
  name: z.string().trim().min(1, "Enter a name for the key.").max(64, "At most 64 characters."),
  stores: z
    .array(storeIdSchema)
    .min(1, "Choose at least one store, or allow all stores.")
    .max(100, "At most 100 stores.")
    .refine((ids) => new Set(ids).size === ids.length, "Each store at most once.")
    .nullable(),
  readOnly: z.boolean(),
});

/** Path ids: opaque, bounded, printable. */
export const idParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const projectParams = z.strictObject({ projectId: idParam });
export const storeParams = z.strictObject({ projectId: idParam, storeId: storeIdSchema });
export const keyParams = z.strictObject({ projectId: idParam, keyId: idParam });
export const memberParams = z.strictObject({ projectId: idParam, userId: idParam });

/** The first message per field, for showing in place beside each input. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

export const deleteProjectSchema = z.strictObject({ confirmName: z.string().max(64) });
export const deleteStoreSchema = z.strictObject({ confirmStoreId: z.string().max(63) });
