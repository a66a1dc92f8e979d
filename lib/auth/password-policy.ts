// Which new passwords are accepted (sign-up, invitations, setup, password
// change, the CLI). The length and "not one repeated character" rules are
// also in the client-safe passwordSchema (lib/dashboard/schemas.ts) so the
// forms check them as you type; the list of common passwords is checked
// here on the server only, so the browser never downloads it.
//
// The list: @zxcvbn-ts/language-common's passwords, ranked by frequency in
// leaked-password corpora (49,233 entries, so it holds the 10,000 most
// common and more), compared without regard to case.
import "server-only";
import { VaultError } from "@/lib/vault/errors";
import { passwordSchema } from "@/lib/dashboard/schemas";

let common: Promise<Set<string>> | undefined;

function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(({ dictionary }) => new Set(dictionary["passwords-common"] as string[]));
  return common;
}

export const COMMON_PASSWORD_MESSAGE = "This password is on a list of commonly used passwords. Choose another.";

/** The reason a new password is refused, or null when it is allowed. */
export async function passwordProblem(password: string, email?: string): Promise<string | null> {
  const basic = passwordSchema.safeParse(password);
  if (!basic.success) return basic.error.issues[0]?.message ?? "Choose another password.";
  const folded = password.normalize("NFKC").trim().toLowerCase();
  if (email && folded === email.trim().toLowerCase()) return "Do not use your email address as the password.";
  if ((await commonPasswords()).has(folded)) return COMMON_PASSWORD_MESSAGE;
  return null;
}

/** Throws INVALID_REQUEST with a field detail (default field "password") when the password is refused. */
export async function assertPasswordAllowed(password: string, options: { email?: string; field?: string } = {}): Promise<void> {
  const problem = await passwordProblem(password, options.email);
  if (problem) throw new VaultError("INVALID_REQUEST", problem, [{ path: options.field ?? "password", message: problem }]);
}
