// Who is signed in, and what they may do. next-auth's jwt callback checks
// the cookie's server-side session (lib/auth/sessions.ts) and loads the
// account in the same query, on every request; memberships are read per
// request too, so a removed member, a revoked session or a disabled
// account loses access at once.
import "server-only";
import { getServerSession } from "next-auth";
import { getDb } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import type { Role } from "@/lib/dashboard/schemas";
import { getAuthOptions, type DashboardSession } from "./options";
import type { AccountView } from "./users";

export type SessionUser = AccountView & { sessionId: string | null };

/** The signed-in account, or null. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = (await getServerSession(getAuthOptions())) as DashboardSession | null;
  const user = session?.user;
  if (!user?.id || !user.email) return null;
  return { id: user.id, email: user.email, name: user.name ?? null, isAdmin: Boolean(user.isAdmin), sessionId: user.sessionId ?? null };
}

export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw new VaultError("UNAUTHENTICATED", "Sign in to continue.");
  return user;
}

export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  // 404, not 403: the page does not exist for anyone else.
  if (!user.isAdmin) throw new VaultError("NOT_FOUND", "Not found.");
  return user;
}

/**
 * The user's role in the project. Not a member: PROJECT_NOT_FOUND (the
 * same answer as for a project that does not exist, so ids leak nothing).
 * A member where an owner is needed: FORBIDDEN.
 */
export async function requireProjectRole(
  projectId: string,
  needed: Role,
  user?: SessionUser,
): Promise<{ user: SessionUser; role: Role }> {
  const account = user ?? (await requireUser());
  const membership = await getDb().projectMember.findUnique({
    where: { projectId_userId: { projectId, userId: account.id } },
    select: { role: true },
  });
  if (!membership) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
  const role: Role = membership.role === "owner" ? "owner" : "member";
  if (needed === "owner" && role !== "owner") {
    throw new VaultError("FORBIDDEN", "Only project owners can do this.");
  }
  return { user: account, role };
}
