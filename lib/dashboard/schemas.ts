// Input rules of the dashboard, shared by the forms (checked as you type)
// and the route handlers (checked again on the server). Client-safe.
import { z } from "zod";
import { KEY_HASH_PATTERN, STORE_ID_PATTERN } from "@/lib/vault/ids";
import { AUDIT_ACTION_NAMES, AUDIT_RESULTS, type AuditAction } from "@/lib/audit/actions";

export const MIN_PASSWORD_LENGTH = 12;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "At most 254 characters.")
  .pipe(z.email("Enter a valid email address."));

/**
 * A new password: at least 12 characters, not one character repeated. The
 * server also refuses common passwords (lib/auth/password-policy.ts).
 */
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters.`)
  .max(200, "At most 200 characters.")
  .refine((p) => new Set(p).size > 1, "Use more than one distinct character.");

/** A password being checked, not chosen (sign-in, current password): only bounded. */
export const currentPasswordSchema = z.string().min(1, "Enter your current password.").max(200, "At most 200 characters.");

const displayName = z.string().trim().max(100, "At most 100 characters.").optional();

export const signUpSchema = z.strictObject({
  name: displayName,
  email: emailSchema,
  password: passwordSchema,
});

/** One-time tokens (invitation and setup links): opaque, bounded, base64url. */
export const linkTokenSchema = z.string().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/, "This link is not valid.");

export const setupSchema = z.strictObject({
  token: linkTokenSchema,
  name: displayName,
  email: emailSchema,
  password: passwordSchema,
});

export const invitationTokenSchema = z.strictObject({ token: linkTokenSchema });

/** Accepting an invitation: with a password for a new account, or without one while signed in. */
export const acceptInvitationSchema = z.strictObject({
  token: linkTokenSchema,
  name: displayName,
  password: passwordSchema.optional(),
});

export const changePasswordSchema = z
  .strictObject({ currentPassword: currentPasswordSchema, newPassword: passwordSchema })
  .refine((v) => v.currentPassword !== v.newPassword, { path: ["newPassword"], message: "Choose a password different from the current one." });

/** A domain for the sign-up allow-list: lower case, no scheme, no @. */
export const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/, "Enter a domain like example.com.");

export const instanceSettingsSchema = z.strictObject({
  openSignUp: z.boolean(),
  signUpDomains: z.array(domainSchema).max(50, "At most 50 domains.").refine((d) => new Set(d).size === d.length, "Each domain at most once."),
});

export const PROJECT_NAME_MAX = 64;
const projectName = z.string().trim().min(1, "Enter a project name.").max(PROJECT_NAME_MAX, `At most ${PROJECT_NAME_MAX} characters.`);
export const createProjectSchema = z.strictObject({ name: projectName });
export const renameProjectSchema = z.strictObject({ name: projectName });

export const roleSchema = z.enum(["owner", "member"]);
export type Role = z.infer<typeof roleSchema>;
export const INVITATION_DAYS = { default: 7, max: 30 } as const;
export const createInvitationSchema = z.strictObject({
  email: emailSchema,
  role: roleSchema,
  expiresInDays: z.number().int().min(1, "At least 1 day.").max(INVITATION_DAYS.max, `At most ${INVITATION_DAYS.max} days.`).optional(),
});
export const updateMemberSchema = z.strictObject({ role: roleSchema });

export const storeIdSchema = z
  .string()
  .min(1, "Enter a store id.")
  .max(63, "At most 63 characters.")
  .regex(STORE_ID_PATTERN, "Letters, digits, _ and - only; it cannot start with -.");

export const STORE_NAME_MAX = 100;
export const STORE_DESCRIPTION_MAX = 500;
export const createStoreSchema = z.strictObject({
  storeId: storeIdSchema,
  displayName: z.string().trim().min(1, "Enter a display name.").max(STORE_NAME_MAX, `At most ${STORE_NAME_MAX} characters.`),
  description: z.string().trim().max(STORE_DESCRIPTION_MAX, `At most ${STORE_DESCRIPTION_MAX} characters.`).optional(),
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
  /** May read entries' access logs; absent: read-write keys yes, read-only keys no. */
  audit: z.boolean().optional(),
});

/** Path ids: opaque, bounded, printable. */
export const idParam = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const projectParams = z.strictObject({ projectId: idParam });
export const storeParams = z.strictObject({ projectId: idParam, storeId: storeIdSchema });
export const keyParams = z.strictObject({ projectId: idParam, keyId: idParam });
export const memberParams = z.strictObject({ projectId: idParam, userId: idParam });
export const invitationParams = z.strictObject({ projectId: idParam, invitationId: idParam });
export const sessionParams = z.strictObject({ sessionId: idParam });

/** The first message per field, for showing in place beside each input. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}

/** The activity chart's ranges, in days (?days= on the store route). */
export const ACTIVITY_RANGES = [7, 30, 90] as const;
export type ActivityDays = (typeof ACTIVITY_RANGES)[number];
export const DEFAULT_ACTIVITY_DAYS: ActivityDays = 30;
export const activityQuerySchema = z.strictObject({
  days: z
    .enum(["7", "30", "90"], "Choose 7, 30 or 90 days.")
    .transform((d) => Number(d) as ActivityDays)
    .optional(),
});

export const deleteProjectSchema = z.strictObject({ confirmName: z.string().max(64) });
export const deleteStoreSchema = z.strictObject({ confirmStoreId: z.string().max(63) });

// ---------------------------------------------------------------- audit

const ACTOR_FILTER = /^(user|server_key|system):[A-Za-z0-9_.-]{1,64}$|^(cli|anonymous)$/;

/** The audit pages' filters, as query parameters (all optional). */
export const auditQuerySchema = z.strictObject({
  store: storeIdSchema.optional(),
  action: z.enum(AUDIT_ACTION_NAMES as [AuditAction, ...AuditAction[]]).optional(),
  /** "user:<id>", "server_key:<id>", "system:<job>", "cli" or "anonymous". */
  actor: z.string().regex(ACTOR_FILTER, "Not an actor.").optional(),
  result: z.enum(AUDIT_RESULTS).optional(),
  keyHash: z.string().regex(KEY_HASH_PATTERN, "A key hash is 16 to 128 base64url characters.").optional(),
  since: z.iso.datetime({ offset: true, message: "An ISO-8601 time with a zone." }).optional(),
  until: z.iso.datetime({ offset: true, message: "An ISO-8601 time with a zone." }).optional(),
  cursor: z.string().regex(/^[0-9a-f]{28}$/, "Not a page cursor.").optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  format: z.enum(["jsonl", "csv"]).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
