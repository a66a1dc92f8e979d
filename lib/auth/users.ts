// Accounts: creation (by the CLI, a setup link, an invitation or open
// sign-up; never "the first account becomes admin"), the account view, and
// GitHub sign-in, which links a GitHub identity only to the account that is
// signed in when it happens.
import "server-only";
import { getDb, isPostgres, type Tx } from "@/lib/db/client";
import { isUniqueViolation } from "@/lib/db/tx";
import { VaultError } from "@/lib/vault/errors";
import { getInstanceSettings, signUpRefusal } from "./instance-settings";
import { recordSecurityEvent } from "./security-events";

export type AccountView = { id: string; email: string; name: string | null; isAdmin: boolean };

export const toView = (u: { id: string; email: string; name: string | null; isAdmin: boolean }): AccountView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.isAdmin,
});

// Serialises changes to who is an admin (setup links, promote, demote,
// disable, delete) so "at least one admin" and "exactly one first admin"
// hold under concurrency. SQLite has one writer at a time already; on
// PostgreSQL two READ COMMITTED transactions would both count, so they
// take one advisory lock first.
const ADMIN_LOCK = 0x64765f61; // "dv_a"

export async function lockAccounts(tx: Tx): Promise<void> {
  if (isPostgres()) await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${ADMIN_LOCK})`);
}

export const EMAIL_TAKEN = "An account with this email already exists.";

type NewAccount = { email: string; name?: string | null; passwordHash?: string | null; githubId?: string; isAdmin?: boolean };

/**
 * Creates an account inside the caller's transaction, with its security
 * event. A taken email is CONFLICT (callers that must not reveal it catch it).
 */
export async function createAccountInTx(
  tx: Tx,
  data: NewAccount,
  context: { via: "cli" | "setup" | "invitation" | "sign-up" | "github"; actorUserId?: string | null; address: string },
): Promise<AccountView> {
  let user;
  try {
    user = await tx.user.create({
      data: { email: data.email, name: data.name || null, passwordHash: data.passwordHash ?? null, githubId: data.githubId, isAdmin: data.isAdmin ?? false },
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new VaultError("CONFLICT", EMAIL_TAKEN, [{ path: "email", message: EMAIL_TAKEN }]);
    throw error;
  }
  await recordSecurityEvent(tx, {
    action: "account.create",
    // The CLI acts as itself; a sign-up, setup or invitation as the new account.
    actorUserId: context.via === "cli" ? (context.actorUserId ?? null) : (context.actorUserId ?? user.id),
    target: user.email,
    address: context.address,
    detail: { via: context.via, admin: user.isAdmin },
  });
  return toView(user);
}

export async function getAccount(userId: string): Promise<AccountView | null> {
  const user = await getDb().user.findUnique({ where: { id: userId } });
  return user && !user.disabledAt ? toView(user) : null;
}

export type GithubSignIn =
  | { ok: true; account: AccountView }
  | { ok: false; code: "GITHUB_EMAIL_UNVERIFIED" | "GITHUB_EMAIL_IN_USE" | "GITHUB_LINKED_ELSEWHERE" | "SIGN_UP_CLOSED" | "ACCOUNT_DISABLED" };

/**
 * The account for a GitHub sign-in:
 * - the account this GitHub identity is linked to;
 * - else, when someone is signed in (they pressed "Connect GitHub"), link it
 *   to that account;
 * - else a new account, if open sign-up allows GitHub's verified email.
 * An existing account is never joined by email alone: whoever registered
 * that email first (and knows its password) would share the account.
 */
export async function githubSignIn(input: {
  githubId: string;
  verifiedEmail: string | null;
  name: string | null;
  signedInUserId: string | null;
  address: string;
}): Promise<GithubSignIn> {
  const db = getDb();
  const linked = await db.user.findUnique({ where: { githubId: input.githubId } });
  if (linked) {
    if (input.signedInUserId && input.signedInUserId !== linked.id) return { ok: false, code: "GITHUB_LINKED_ELSEWHERE" };
    if (linked.disabledAt) return { ok: false, code: "ACCOUNT_DISABLED" };
    return { ok: true, account: toView(linked) };
  }
  if (input.signedInUserId) {
    try {
      const account = await db.$transaction(async (tx) => {
        const user = await tx.user.update({ where: { id: input.signedInUserId! }, data: { githubId: input.githubId } });
        await recordSecurityEvent(tx, { action: "account.github_link", actorUserId: user.id, target: user.email, address: input.address });
        return toView(user);
      });
      return { ok: true, account };
    } catch (error) {
      // Linked to another account by a concurrent sign-in.
      if (isUniqueViolation(error)) return { ok: false, code: "GITHUB_LINKED_ELSEWHERE" };
      throw error;
    }
  }
  if (!input.verifiedEmail) return { ok: false, code: "GITHUB_EMAIL_UNVERIFIED" };
  const email = input.verifiedEmail.trim().toLowerCase();
  if (await db.user.findUnique({ where: { email }, select: { id: true } })) return { ok: false, code: "GITHUB_EMAIL_IN_USE" };
  if (signUpRefusal(await getInstanceSettings(), email)) return { ok: false, code: "SIGN_UP_CLOSED" };
  try {
    const account = await db.$transaction((tx) =>
      createAccountInTx(tx, { email, name: input.name, githubId: input.githubId }, { via: "github", address: input.address }),
    );
    return { ok: true, account };
  } catch (error) {
    if (error instanceof VaultError && error.code === "CONFLICT") return { ok: false, code: "GITHUB_EMAIL_IN_USE" };
    throw error;
  }
}
