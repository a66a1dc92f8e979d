// Invitations: the only way into a project. An owner invites an email with
// a role and gets a single-use link (shown once; only the token's SHA-256
// is stored) that expires (7 days by default) to hand to the invitee. The
// invitee opens it and either sets a password (a new account) or, signed in
// as that email, accepts. The answer to an owner is the same whether the
// email has an account or not.
//
// Concurrency: the unique openKey allows one open invitation per email and
// project, so two owners inviting the same email at once get one 201 and
// one 409; accepting claims the invitation with a conditional update, so
// one of two concurrent acceptances wins and the other gets 409.
import "server-only";
import { randomBytes } from "node:crypto";
import { getDb, type Tx } from "@/lib/db/client";
import { isUniqueViolation, withTransaction } from "@/lib/db/tx";
import { VaultError } from "@/lib/vault/errors";
import { INVITATION_DAYS, type Role } from "@/lib/dashboard/schemas";
import { hashPassword } from "@/lib/auth/password";
import { assertPasswordAllowed } from "@/lib/auth/password-policy";
import { takeFormAttempt } from "@/lib/auth/rate-limit";
import { recordSecurityEvent } from "@/lib/auth/security-events";
import { hashToken } from "@/lib/auth/sessions";
import type { SessionUser } from "@/lib/auth/session";
import { createAccountInTx, EMAIL_TAKEN, type AccountView } from "@/lib/auth/users";
import { linkBase } from "@/lib/net/public-url";
import { lockProject } from "./lock";
import { assertOwner } from "./members";

type Actor = { userId: string; address: string };

export type InvitationView = {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  expired: boolean;
  invitedBy: string | null;
};

export type InvitationPreview = {
  projectName: string;
  email: string;
  role: Role;
  expiresAt: string;
  invitedBy: string | null;
};

const asRole = (role: string): Role => (role === "owner" ? "owner" : "member");
const openKey = (projectId: string, email: string) => `${projectId} ${email}`;
const DAY_MS = 24 * 60 * 60_000;

const INVALID_LINK = "This invitation link is not valid. Ask the project owner for a new one.";
const USED_LINK = "This invitation was already used, revoked or has expired. Ask the project owner for a new one.";

/** The link to hand over: the token sits in the fragment, which browsers never send to a server or in a Referer. */
export function invitationLink(token: string, requestHost?: string | null): string {
  return `${linkBase(process.env, requestHost)}/invite#${token}`;
}

export async function createInvitation(
  projectId: string,
  input: { email: string; role: Role; expiresInDays?: number },
  actor: Actor,
): Promise<{ invitation: InvitationView; token: string }> {
  const token = `dvi_${randomBytes(32).toString("base64url")}`;
  const now = Date.now();
  const expiresAt = new Date(now + (input.expiresInDays ?? INVITATION_DAYS.default) * DAY_MS);
  const row = await withTransaction(async (tx) => {
    await lockProject(tx, projectId);
    await assertOwner(tx, projectId, actor.userId);
    // Already a member: the owner sees the member list, so this tells nothing new.
    const member = await tx.projectMember.findFirst({ where: { projectId, user: { email: input.email } }, select: { userId: true } });
    if (member) {
      throw new VaultError("CONFLICT", "This email is already a member of the project.", [{ path: "email", message: "Already a member of this project." }]);
    }
    // An expired invitation no longer holds the email's slot.
    await tx.invitation.updateMany({ where: { openKey: openKey(projectId, input.email), expiresAt: { lte: new Date(now) } }, data: { openKey: null } });
    let created;
    try {
      created = await tx.invitation.create({
        data: {
          projectId,
          email: input.email,
          role: input.role,
          tokenHash: hashToken(token),
          openKey: openKey(projectId, input.email),
          invitedById: actor.userId,
          expiresAt,
        },
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new VaultError("CONFLICT", "An invitation for this email is already open. Revoke it to send a new link.", [
          { path: "email", message: "An invitation for this email is already open." },
        ]);
      }
      throw error;
    }
    await recordSecurityEvent(tx, {
      action: "invitation.create",
      actorUserId: actor.userId,
      projectId,
      target: input.email,
      address: actor.address,
      detail: { role: input.role, invitation: created.id, days: input.expiresInDays ?? INVITATION_DAYS.default },
    });
    return created;
  });
  const inviter = await getDb().user.findUnique({ where: { id: actor.userId }, select: { email: true } });
  return { invitation: toView(row, inviter?.email ?? null), token };
}

function toView(
  row: { id: string; email: string; role: string; createdAt: Date; expiresAt: Date },
  invitedBy: string | null,
): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: asRole(row.role),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    expired: row.expiresAt.getTime() <= Date.now(),
    invitedBy,
  };
}

/** Invitations not yet accepted or revoked (expired ones flagged), newest first. */
export async function listInvitations(projectId: string): Promise<InvitationView[]> {
  const db = getDb();
  const rows = await db.invitation.findMany({ where: { projectId, acceptedAt: null, revokedAt: null }, orderBy: { createdAt: "desc" }, take: 200 });
  const inviterIds = [...new Set(rows.map((r) => r.invitedById).filter((id): id is string => Boolean(id)))];
  const inviters = inviterIds.length ? await db.user.findMany({ where: { id: { in: inviterIds } }, select: { id: true, email: true } }) : [];
  const emailOf = new Map(inviters.map((u) => [u.id, u.email]));
  return rows.map((r) => toView(r, r.invitedById ? (emailOf.get(r.invitedById) ?? null) : null));
}

export async function revokeInvitation(projectId: string, invitationId: string, actor: Actor): Promise<void> {
  await withTransaction(async (tx) => {
    await lockProject(tx, projectId);
    await assertOwner(tx, projectId, actor.userId);
    const invitation = await tx.invitation.findFirst({ where: { id: invitationId, projectId, acceptedAt: null, revokedAt: null } });
    if (!invitation) throw new VaultError("NOT_FOUND", "No such open invitation.");
    await tx.invitation.update({ where: { id: invitation.id }, data: { revokedAt: new Date(), openKey: null } });
    await recordSecurityEvent(tx, {
      action: "invitation.revoke",
      actorUserId: actor.userId,
      projectId,
      target: invitation.email,
      address: actor.address,
      detail: { invitation: invitation.id },
    });
  });
}

async function findByToken(token: string) {
  return getDb().invitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { project: { select: { name: true } } },
  });
}

function usable(row: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date }): boolean {
  return !row.acceptedAt && !row.revokedAt && row.expiresAt.getTime() > Date.now();
}

function limit(address: string): void {
  const wait = takeFormAttempt("invitation", address);
  if (wait > 0) throw new VaultError("RATE_LIMITED", "Too many attempts. Try again later.", undefined, wait);
}

/** What the link's page shows: the same whether the invited email has an account or not. */
export async function previewInvitation(token: string, address: string): Promise<InvitationPreview> {
  limit(address);
  const row = await findByToken(token);
  if (!row) throw new VaultError("NOT_FOUND", INVALID_LINK);
  if (!usable(row)) throw new VaultError("CONFLICT", USED_LINK);
  const inviter = row.invitedById ? await getDb().user.findUnique({ where: { id: row.invitedById }, select: { email: true } }) : null;
  return { projectName: row.project.name, email: row.email, role: asRole(row.role), expiresAt: row.expiresAt.toISOString(), invitedBy: inviter?.email ?? null };
}

/** Claims the invitation inside the transaction: exactly one claim succeeds. */
async function claim(tx: Tx, token: string, userId: string | null): Promise<{ id: string; projectId: string; role: string; email: string }> {
  const now = new Date();
  const row = await tx.invitation.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row) throw new VaultError("NOT_FOUND", INVALID_LINK);
  const { count } = await tx.invitation.updateMany({
    where: { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    data: { acceptedAt: now, acceptedById: userId, openKey: null },
  });
  if (count === 0) throw new VaultError("CONFLICT", USED_LINK);
  return row;
}

async function join(tx: Tx, invitation: { id: string; projectId: string; role: string; email: string }, user: AccountView, address: string) {
  try {
    await tx.projectMember.create({ data: { projectId: invitation.projectId, userId: user.id, role: invitation.role } });
  } catch (error) {
    if (isUniqueViolation(error)) throw new VaultError("CONFLICT", "You are already a member of this project.");
    throw error;
  }
  await tx.invitation.update({ where: { id: invitation.id }, data: { acceptedById: user.id } });
  await recordSecurityEvent(tx, {
    action: "invitation.accept",
    actorUserId: user.id,
    projectId: invitation.projectId,
    target: user.email,
    address,
    detail: { role: invitation.role, invitation: invitation.id },
  });
}

/**
 * Accepts an invitation. Signed in: the account's email must be the
 * invited one. Not signed in: a password creates the invited email's
 * account (refused when that email already has one: sign in first).
 */
export async function acceptInvitation(
  input: { token: string; password?: string; name?: string },
  user: SessionUser | null,
  address: string,
): Promise<{ projectId: string; account: AccountView; created: boolean }> {
  limit(address);
  if (user) {
    return withTransaction(async (tx) => {
      const peek = await tx.invitation.findUnique({ where: { tokenHash: hashToken(input.token) }, select: { email: true } });
      if (peek && peek.email !== user.email) {
        throw new VaultError("FORBIDDEN", `This invitation is for ${peek.email}. Sign out, then open the link again.`);
      }
      const invitation = await claim(tx, input.token, user.id);
      await join(tx, invitation, user, address);
      return { projectId: invitation.projectId, account: user, created: false };
    });
  }
  if (!input.password) {
    throw new VaultError("INVALID_REQUEST", "Choose a password for your new account.", [{ path: "password", message: "Choose a password." }]);
  }
  const row = await findByToken(input.token);
  if (!row) throw new VaultError("NOT_FOUND", INVALID_LINK);
  if (!usable(row)) throw new VaultError("CONFLICT", USED_LINK);
  await assertPasswordAllowed(input.password, { email: row.email });
  const passwordHash = await hashPassword(input.password);
  return withTransaction(async (tx) => {
    const invitation = await claim(tx, input.token, null);
    let account: AccountView;
    try {
      account = await createAccountInTx(tx, { email: invitation.email, name: input.name, passwordHash }, { via: "invitation", address });
    } catch (error) {
      if (error instanceof VaultError && error.code === "CONFLICT") {
        throw new VaultError("CONFLICT", `${EMAIL_TAKEN} Sign in with it, then open the link again to accept.`);
      }
      throw error;
    }
    await join(tx, invitation, account, address);
    return { projectId: invitation.projectId, account, created: true };
  });
}
