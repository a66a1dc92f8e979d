// Project members: owners add existing accounts by email and change roles;
// a project always keeps at least one owner (checked in the same
// transaction as the change).
import "server-only";
import { getDb, type Tx } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import type { Role } from "@/lib/dashboard/schemas";
import type { MemberView } from "@/lib/dashboard/types";

export type { MemberView };

type Actor = { userId: string };

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

export async function addMember(projectId: string, input: { email: string; role: Role }, actor: Actor): Promise<MemberView> {
  return getDb().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email: input.email }, select: { id: true, email: true, name: true } });
    if (!user) {
      throw new VaultError("NOT_FOUND", "No account uses this email. Ask them to sign up first.", [
        { path: "email", message: "No account uses this email." },
      ]);
    }
    const existing = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId: user.id } } });
    if (existing) {
      throw new VaultError("CONFLICT", "This account is already a member.", [
        { path: "email", message: "Already a member of this project." },
      ]);
    }
    const member = await tx.projectMember.create({ data: { projectId, userId: user.id, role: input.role } });
    await tx.auditEvent.create({
      data: { projectId, actorUserId: actor.userId, action: "member.add", target: `${user.email}:${input.role}` },
    });
    return { userId: user.id, email: user.email, name: user.name, role: input.role, addedAt: member.createdAt.toISOString() };
  });
}

async function assertKeepsAnOwner(tx: Tx, projectId: string, userId: string): Promise<void> {
  const others = await tx.projectMember.count({ where: { projectId, role: "owner", NOT: { userId } } });
  if (others === 0) throw new VaultError("CONFLICT", "A project needs at least one owner. Make someone else an owner first.");
}

async function findMember(tx: Tx, projectId: string, userId: string) {
  const member = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } } });
  if (!member) throw new VaultError("NOT_FOUND", "No such member.");
  return member;
}

export async function updateMemberRole(projectId: string, userId: string, input: { role: Role }, actor: Actor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const member = await findMember(tx, projectId, userId);
    if (member.role === input.role) return;
    if (member.role === "owner") await assertKeepsAnOwner(tx, projectId, userId);
    await tx.projectMember.update({ where: { projectId_userId: { projectId, userId } }, data: { role: input.role } });
    await tx.auditEvent.create({
      data: { projectId, actorUserId: actor.userId, action: "member.role", target: `${userId}:${input.role}` },
    });
  });
}

export async function removeMember(projectId: string, userId: string, actor: Actor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const member = await findMember(tx, projectId, userId);
    if (member.role === "owner") await assertKeepsAnOwner(tx, projectId, userId);
    await tx.projectMember.delete({ where: { projectId_userId: { projectId, userId } } });
    await tx.auditEvent.create({ data: { projectId, actorUserId: actor.userId, action: "member.remove", target: userId } });
  });
}
