// What a signed-in user does to their own account: change the password
// (every other session ends), list and end sessions.
import "server-only";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { VaultError } from "@/lib/vault/errors";
import { hashPassword, verifyPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { signInThrottle } from "./rate-limit";
import { recordSecurityEvent } from "./security-events";
import { revokeAllSessions } from "./sessions";
import type { SessionUser } from "./session";
import { GateBusyError, verificationGate } from "./verify-gate";

export type AccountSettingsView = { id: string; email: string; name: string | null; isAdmin: boolean; hasPassword: boolean; github: boolean };

export async function getAccountSettings(userId: string): Promise<AccountSettingsView> {
  const user = await getDb().user.findUniqueOrThrow({ where: { id: userId } });
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, hasPassword: Boolean(user.passwordHash), github: Boolean(user.githubId) };
}

/**
 * Checks the current password (throttled like a sign-in, under the same
 * per-account and per-address limits), stores the new one, and ends every
 * other session of the account in the same transaction.
 */
export async function changePassword(
  user: SessionUser,
  input: { currentPassword: string; newPassword: string },
  address: string,
): Promise<{ endedSessions: number }> {
  const throttle = signInThrottle();
  const verdict = throttle.check(user.email, address);
  if (!verdict.allowed) throw new VaultError("RATE_LIMITED", "Too many attempts. Try again later.", undefined, verdict.retryAfterSeconds);
  const stored = await getDb().user.findUniqueOrThrow({ where: { id: user.id }, select: { passwordHash: true } });
  if (!stored.passwordHash) {
    throw new VaultError("INVALID_REQUEST", "This account signs in with GitHub and has no password to change.");
  }
  throttle.attempt(user.email, address);
  let ok: boolean;
  try {
    ok = await verificationGate().run(user.email, throttle.failuresOf(user.email, address), () => verifyPassword(input.currentPassword, stored.passwordHash));
  } catch (error) {
    if (error instanceof GateBusyError) throw new VaultError("RATE_LIMITED", "The server is busy. Try again in a few seconds.", undefined, 2);
    throw error;
  }
  if (!ok) {
    throttle.failure(user.email, address);
    await recordSecurityEvent(getDb(), {
      action: "auth.sign_in_failed",
      actorUserId: user.id,
      target: user.email,
      address,
      detail: { reason: "wrong_current_password" },
    });
    throw new VaultError("INVALID_REQUEST", "The current password is not right.", [{ path: "currentPassword", message: "The current password is not right." }]);
  }
  await assertPasswordAllowed(input.newPassword, { email: user.email, field: "newPassword" });
  const passwordHash = await hashPassword(input.newPassword);
  return withTransaction(async (tx) => {
    // Another request may have changed it meanwhile; the check above stands for this one.
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await recordSecurityEvent(tx, { action: "account.password_change", actorUserId: user.id, target: user.email, address });
    const endedSessions = await revokeAllSessions(tx, user.id, {
      exceptSessionId: user.sessionId,
      actorUserId: user.id,
      address,
      reason: "password_change",
      email: user.email,
    });
    return { endedSessions };
  });
}
