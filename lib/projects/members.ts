// Project members. Nobody is added by email directly: owners invite
// (lib/projects/invitations.ts) and the invitee accepts. Owners change
// roles and remove members; a project always keeps at least one owner.
// Every change locks the project row first and re-checks, inside the lock,
// that the actor is still an owner and that another owner remains, so two
// owners demoting or removing each other at once cannot both succeed.
import "server-only";
import { getDb, type Tx } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { VaultError } from "@/lib/vault/errors";
import type { Role } from "@/lib/dashboard/schemas";
import type { MemberView } from "@/lib/dashboard/types";
import { recordSecurityEvent } from "@/lib/auth/security-events";
import { lockProject } from "./lock";

export type { MemberView };

type Actor = { userId: string; address: string };

const asRole = (role: string): Role => (role === "owner" ? "owner" : "member");

export async function listMembers(projectId: string): Promise<MemberView[]> {
  const rows = await getDb().projectMember.findMany({
    where: { projectId },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({
    userId: m.userId,
    email: m.user.email,
    name: m.user.name,
    role: asRole(m.role),
    addedAt: m.createdAt.toISOString(),
  }));
}

/** Inside the lock: the actor is (still) an owner of the project. */
export async function assertOwner(tx: Tx, projectId: string, userId: string): Promise<void> {
  const membership = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { role: true } });
  if (!membership) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
  if (membership.role !== "owner") throw new VaultError("FORBIDDEN", "Only project owners can do this.");
}

async function assertKeepsAnOwner(tx: Tx, projectId: string, userId: string): Promise<void> {
  const others = await tx.projectMember.count({ where: { projectId, role: "owner", NOT: { userId } } });
  if (others === 0) throw new VaultError("CONFLICT", "A project needs at least one owner. Make someone else an owner first.");
}

async function findMember(tx: Tx, projectId: string, userId: string) {
  const member = await tx.projectMember.findUnique({
    where: { projectId_userId: { projectId, userId } },
    include: { user: { select: { email: true } } },
  });
  if (!member) throw new VaultError("NOT_FOUND", "No such member.");
  return member;
}

export async function updateMemberRole(projectId: string, userId: string, input: { role: Role }, actor: Actor): Promise<void> {
  await withTransaction(async (tx) => {
    await lockProject(tx, projectId);
    await assertOwner(tx, projectId, actor.userId);
    const member = await findMember(tx, projectId, userId);
    if (member.role === input.role) return;
    if (member.role === "owner") await assertKeepsAnOwner(tx, projectId, userId);
    await tx.projectMember.update({ where: { projectId_userId: { projectId, userId } }, data: { role: input.role } });
    await recordSecurityEvent(tx, {
      action: "member.role",
      actorUserId: actor.userId,
      projectId,
      target: member.user.email,
      address: actor.address,
      detail: { from: member.role, to: input.role },
    });
  });
}

export async function removeMember(projectId: string, userId: string, actor: Actor): Promise<void> {
  await withTransaction(async (tx) => {
    await lockProject(tx, projectId);
    await assertOwner(tx, projectId, actor.userId);
    const member = await findMember(tx, projectId, userId);
    if (member.role === "owner") await assertKeepsAnOwner(tx, projectId, userId);
    await tx.projectMember.delete({ where: { projectId_userId: { projectId, userId } } });
    await recordSecurityEvent(tx, {
      action: "member.remove",
      actorUserId: actor.userId,
      projectId,
      target: member.user.email,
      address: actor.address,
      detail: { role: member.role },
    });
  });
}
