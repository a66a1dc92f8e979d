// Projects: the unit of ownership. Every write and its audit record share
// one transaction.
import "server-only";
import { getDb } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import { recordAuditEvent } from "@/lib/audit/record";
import { userIdOf, type Actor } from "@/lib/audit/actor";
import type { Role } from "@/lib/dashboard/schemas";
import type { ProjectSummary, ProjectView } from "@/lib/dashboard/types";

export type { ProjectSummary, ProjectView };

const asRole = (role: string): Role => (role === "owner" ? "owner" : "member");

export async function listProjects(userId: string): Promise<ProjectSummary[]> {
  const memberships = await getDb().projectMember.findMany({
    where: { userId },
    include: { project: { include: { _count: { select: { stores: true, members: true } } } } },
    orderBy: { project: { createdAt: "desc" } },
  });
  return memberships.map(({ role, project }) => ({
    id: project.id,
    name: project.name,
    role: asRole(role),
    createdAt: project.createdAt.toISOString(),
    storeCount: project._count.stores,
    memberCount: project._count.members,
  }));
}

export async function getProject(projectId: string, userId: string): Promise<ProjectView> {
  const membership = await getDb().projectMember.findUnique({
    where: { projectId_userId: { projectId, userId } },
    include: {
      project: {
        include: {
          _count: { select: { stores: true, members: true, serverKeys: { where: { revokedAt: null } } } },
        },
      },
    },
  });
  if (!membership) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
  const { project } = membership;
  return {
    id: project.id,
    name: project.name,
    role: asRole(membership.role),
    createdAt: project.createdAt.toISOString(),
    storeCount: project._count.stores,
    memberCount: project._count.members,
    serverKeyCount: project._count.serverKeys,
  };
}

/** The owner is the acting user, or `ownerId` (the CLI creates projects for someone). */
export async function createProject(input: { name: string; ownerId?: string }, actor: Actor): Promise<ProjectView> {
  const ownerId = input.ownerId ?? userIdOf(actor);
  if (!ownerId) throw new VaultError("INVALID_REQUEST", "a project needs an owner");
  const project = await getDb().$transaction(async (tx) => {
    const created = await tx.project.create({
      data: { name: input.name, members: { create: { userId: ownerId, role: "owner" } } },
    });
    await recordAuditEvent({ action: "project.create", actor, projectId: created.id, target: created.name }, { tx });
    return created;
  });
  return {
    id: project.id,
    name: project.name,
    role: "owner",
    createdAt: project.createdAt.toISOString(),
    storeCount: 0,
    memberCount: 1,
    serverKeyCount: 0,
  };
}

export async function renameProject(projectId: string, input: { name: string }, actor: Actor): Promise<ProjectView> {
  await getDb().$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({ where: { id: projectId }, data: { name: input.name } });
    if (count === 0) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
    await recordAuditEvent({ action: "project.rename", actor, projectId, target: input.name }, { tx });
  });
  const userId = userIdOf(actor);
  if (!userId) throw new VaultError("INVALID_REQUEST", "renaming a project needs a signed-in user");
  return getProject(projectId, userId);
}

/** Deletes the project with its stores, entries, server keys and memberships (cascades). */
export async function deleteProject(projectId: string, input: { confirmName: string }, actor: Actor): Promise<void> {
  await getDb().$transaction(async (tx) => {
    const project = await tx.project.findUnique({ where: { id: projectId }, select: { name: true } });
    if (!project) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
    if (project.name !== input.confirmName) {
      throw new VaultError("INVALID_REQUEST", "Type the project name exactly to confirm.", [
        { path: "confirmName", message: "Does not match the project name." },
      ]);
    }
    await tx.project.delete({ where: { id: projectId } });
    await recordAuditEvent({ action: "project.delete", actor, projectId, target: project.name }, { tx });
  });
}
