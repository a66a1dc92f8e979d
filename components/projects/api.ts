// Projects and members: query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { MemberView, ProjectSummary, ProjectView } from "@/lib/dashboard/types";
import type { Role } from "@/lib/dashboard/schemas";

export const projectKeys = {
  all: ["projects"] as const,
  list: () => [...projectKeys.all, "list"] as const,
  detail: (projectId: string) => [...projectKeys.all, "detail", projectId] as const,
  members: (projectId: string) => [...projectKeys.all, "members", projectId] as const,
};

const base = (projectId: string) => `/api/dashboard/projects/${encodeURIComponent(projectId)}`;

export const projectsApi = {
  list: () => apiFetch<{ projects: ProjectSummary[] }>("/api/dashboard/projects").then((r) => r.projects),
  get: (projectId: string) => apiFetch<{ project: ProjectView }>(base(projectId)).then((r) => r.project),
  create: (input: { name: string }) =>
    apiFetch<{ project: ProjectView }>("/api/dashboard/projects", { method: "POST", body: input }).then((r) => r.project),
  rename: (projectId: string, input: { name: string }) =>
    apiFetch<{ project: ProjectView }>(base(projectId), { method: "PATCH", body: input }).then((r) => r.project),
  remove: (projectId: string, confirmName: string) =>
    apiFetch<{ deleted: true }>(base(projectId), { method: "DELETE", body: { confirmName } }),
  members: (projectId: string) => apiFetch<{ members: MemberView[] }>(`${base(projectId)}/members`).then((r) => r.members),
  updateMember: (projectId: string, userId: string, role: Role) =>
    apiFetch(`${base(projectId)}/members/${encodeURIComponent(userId)}`, { method: "PATCH", body: { role } }),
  removeMember: (projectId: string, userId: string) =>
    apiFetch(`${base(projectId)}/members/${encodeURIComponent(userId)}`, { method: "DELETE" }),
};
