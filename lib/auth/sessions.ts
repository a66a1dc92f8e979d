// Server-side dashboard sessions. Signing in creates a UserSession row and
// puts a random token into the (sealed) next-auth cookie; only the token's
// SHA-256 is stored. Every request resolves the token to its row and the
// account in one indexed query, so sign-out, "sign out everywhere", a
// password change and an admin disabling an account end sessions at once.
import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { getDb, type Db, type Tx } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import { recordSecurityEvent } from "./security-events";
import { toView, type AccountView } from "./users";

export const SESSION_POLICY = {
  /** Ends after this long without a request. */
  idleMs: 7 * 24 * 60 * 60_000,
  /** Ends this long after sign-in whatever happens (also the cookie's lifetime). */
  absoluteMs: 30 * 24 * 60 * 60_000,
  /** lastSeenAt is written at most this often per session. */
  touchEveryMs: 5 * 60_000,
} as const;

export type SessionMethod = "password" | "github" | "invitation" | "setup" | "sign-up";
export type SessionMeta = { method: SessionMethod; address: string; userAgent?: string | null };

export type ResolvedSession = { sessionId: string; user: AccountView };

export const hashToken = (token: string): string => createHash("sha256").update(token).digest("hex");

/** Starts a session; returns the token for the cookie. Records the sign-in in the same transaction. */
export async function startSession(userId: string, meta: SessionMeta): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const now = Date.now();
  await getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId }, select: { disabledAt: true, email: true } });
    if (!user || user.disabledAt) throw new VaultError("UNAUTHENTICATED", "This account cannot sign in.");
    const session = await tx.userSession.create({
      data: {
        userId,
        tokenHash: hashToken(token),
        method: meta.method,
        address: meta.address.slice(0, 64),
        userAgent: meta.userAgent?.slice(0, 200) ?? null,
        expiresAt: new Date(now + SESSION_POLICY.absoluteMs),
      },
    });
    await recordSecurityEvent(tx, {
      action: "auth.sign_in",
      actorUserId: userId,
      target: user.email,
      address: meta.address,
      detail: { method: meta.method, session: session.id },
    });
  });
  return token;
}

/** The live session and its account for a cookie's token, or null (unknown, revoked, expired, idle, disabled). */
export async function resolveSession(token: string): Promise<ResolvedSession | null> {
  if (!token || token.length > 100) return null;
  const db = getDb();
  const row = await db.userSession.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabledAt) return null;
  const now = Date.now();
  if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() <= now - SESSION_POLICY.idleMs) return null;
  if (row.lastSeenAt.getTime() <= now - SESSION_POLICY.touchEveryMs) {
    await db.userSession.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt: new Date(now) } });
  }
  return { sessionId: row.id, user: toView(row.user) };
}

/** Sign-out: the cookie's session ends on the server (no-op for an unknown token). */
export async function endSessionByToken(token: string, address: string): Promise<void> {
  const db = getDb();
  await db.$transaction(async (tx) => {
    const row = await tx.userSession.findUnique({ where: { tokenHash: hashToken(token) }, select: { id: true, userId: true, revokedAt: true } });
    if (!row || row.revokedAt) return;
    await tx.userSession.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await recordSecurityEvent(tx, { action: "auth.sign_out", actorUserId: row.userId, target: row.id, address });
  });
}

export type SessionView = {
  id: string;
  method: string;
  address: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
};

export async function listSessions(userId: string, currentSessionId: string | null): Promise<SessionView[]> {
  const now = Date.now();
  const rows = await getDb().userSession.findMany({
    where: {
      userId,
      revokedAt: null,
      expiresAt: { gt: new Date(now) },
      lastSeenAt: { gt: new Date(now - SESSION_POLICY.idleMs) },
    },
    orderBy: { lastSeenAt: "desc" },
  });
  return rows.map((r) => ({
    id: r.id,
    method: r.method,
    address: r.address,
    userAgent: r.userAgent,
    createdAt: r.createdAt.toISOString(),
    lastSeenAt: r.lastSeenAt.toISOString(),
    current: r.id === currentSessionId,
  }));
}

/** Ends one of the user's own sessions. */
export async function revokeSession(userId: string, sessionId: string, address: string): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const { count } = await tx.userSession.updateMany({ where: { id: sessionId, userId, revokedAt: null }, data: { revokedAt: new Date() } });
    if (count === 0) throw new VaultError("NOT_FOUND", "No such session.");
    await recordSecurityEvent(tx, { action: "session.revoke", actorUserId: userId, target: sessionId, address });
  });
}

/**
 * Ends every session of the account, or every one but `exceptSessionId`.
 * Inside the caller's transaction when given (password change, disable).
 */
export async function revokeAllSessions(
  db: Tx | Db,
  userId: string,
  options: { exceptSessionId?: string | null; actorUserId: string | null; address: string; reason: string; email?: string },
): Promise<number> {
  const { count } = await db.userSession.updateMany({
    where: { userId, revokedAt: null, ...(options.exceptSessionId ? { NOT: { id: options.exceptSessionId } } : {}) },
    data: { revokedAt: new Date() },
  });
  await recordSecurityEvent(db, {
    action: "session.revoke_all",
    actorUserId: options.actorUserId,
    target: options.email ?? userId,
    address: options.address,
    detail: { ended: count, reason: options.reason, keptCurrent: Boolean(options.exceptSessionId) },
  });
  return count;
}
