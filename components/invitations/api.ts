// Invitations (project owners): query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { InvitationView } from "@/lib/dashboard/types";
import type { Role } from "@/lib/dashboard/schemas";

export const invitationKeys = {
  all: ["invitations"] as const,
  list: (projectId: string) => [...invitationKeys.all, projectId] as const,
};

const base = (projectId: string) => `/api/dashboard/projects/${encodeURIComponent(projectId)}/invitations`;

export const invitationsApi = {
  list: (projectId: string) => apiFetch<{ invitations: InvitationView[] }>(base(projectId)).then((r) => r.invitations),
  create: (projectId: string, input: { email: string; role: Role }) =>
    apiFetch<{ invitation: InvitationView; link: string }>(base(projectId), { method: "POST", body: input }),
  revoke: (projectId: string, invitationId: string) =>
    apiFetch(`${base(projectId)}/${encodeURIComponent(invitationId)}`, { method: "DELETE" }),
};
