// Email and password sign-in: throttle (free), then the account lookup and
// the scrypt check through the fair verification gate, then the outcome
// recorded as a security event. The same answer and about the same time
// for an unknown email as for a wrong password.
import "server-only";
import { getDb } from "@/lib/db/client";
import { emailSchema } from "@/lib/dashboard/schemas";
import { log } from "@/lib/log";
import { hashPassword, needsRehash, verifyPassword } from "./password";
import { signInThrottle } from "./rate-limit";
import { recordSecurityEvent } from "./security-events";
import { toView, type AccountView } from "./users";
import { GateBusyError, verificationGate } from "./verify-gate";

export type SignInOutcome =
  | { ok: true; account: AccountView }
  | { ok: false; reason: "invalid" | "disabled" }
  | { ok: false; reason: "rate_limited" | "busy"; retryAfterSeconds: number };

export async function signInWithPassword(input: { email: unknown; password: unknown; address: string }): Promise<SignInOutcome> {
  const parsed = emailSchema.safeParse(input.email ?? "");
  const password = typeof input.password === "string" ? input.password : "";
  if (!parsed.success || password.length === 0 || password.length > 200) return { ok: false, reason: "invalid" };
  const email = parsed.data;
  const { address } = input;

  const throttle = signInThrottle();
  const verdict = throttle.check(email, address);
  if (!verdict.allowed) {
    log.warn("sign-in refused by the throttle", { address, scope: verdict.reason, retryAfterSeconds: verdict.retryAfterSeconds });
    return { ok: false, reason: "rate_limited", retryAfterSeconds: verdict.retryAfterSeconds };
  }
  throttle.attempt(email, address);

  let checked: { user: Awaited<ReturnType<typeof findUser>>; ok: boolean };
  try {
    checked = await verificationGate().run(email, throttle.failuresOf(email, address), async () => {
      const user = await findUser(email);
      return { user, ok: await verifyPassword(password, user?.passwordHash) };
    });
  } catch (error) {
    if (error instanceof GateBusyError) {
      log.warn("sign-in refused: too many waiting", { address });
      return { ok: false, reason: "busy", retryAfterSeconds: 2 };
    }
    throw error;
  }

  const db = getDb();
  const { user, ok } = checked;
  if (!user || !ok) {
    const lockout = throttle.failure(email, address);
    log.warn("sign-in failed", { address, account: user?.id ?? null });
    await db.$transaction(async (tx) => {
      await recordSecurityEvent(tx, {
        action: "auth.sign_in_failed",
        actorUserId: user?.id ?? null,
        target: email,
        address,
        detail: { reason: user ? "wrong_password" : "unknown_account" },
      });
      if (lockout) {
        await recordSecurityEvent(tx, {
          action: "auth.lockout",
          actorUserId: user?.id ?? null,
          target: email,
          address,
          detail: { scope: lockout.scope, seconds: lockout.retryAfterSeconds },
        });
      }
    });
    if (lockout) log.warn("sign-in lockout", { address, scope: lockout.scope, retryAfterSeconds: lockout.retryAfterSeconds });
    return { ok: false, reason: "invalid" };
  }
  if (user.disabledAt) {
    await recordSecurityEvent(db, { action: "auth.sign_in_failed", actorUserId: user.id, target: email, address, detail: { reason: "disabled" } });
    return { ok: false, reason: "disabled" };
  }
  throttle.success(email, address);
  if (needsRehash(user.passwordHash!)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return { ok: true, account: toView(user) };
}

function findUser(email: string) {
  return getDb().user.findUnique({ where: { email } });
}
