// Projects: the unit of ownership. Every write and its audit record share
// one transaction.
import "server-only";
import { getDb } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import type { Role } from "@/lib/dashboard/schemas";
import type { ProjectSummary, ProjectView } from "@/lib/dashboard/types";

export type { ProjectSummary, ProjectView };

type Actor = { userId: string };

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

export async function createProject(input: { name: string }, actor: Actor): Promise<ProjectView> {
  const project = await getDb().$transaction(async (tx) => {
    const created = await tx.project.create({
      data: { name: input.name, members: { create: { userId: actor.userId, role: "owner" } } },
    });
    await tx.auditEvent.create({
      data: { projectId: created.id, actorUserId: actor.userId, action: "project.create", target: created.name },
    });
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
    await tx.auditEvent.create({
      data: { projectId, actorUserId: actor.userId, action: "project.rename", target: input.name },
    });
  });
  return getProject(projectId, actor.userId);
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
    await tx.auditEvent.create({
      data: { projectId, actorUserId: actor.userId, action: "project.delete", target: project.name },
    });
  });
}
