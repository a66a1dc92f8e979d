// Server keys: query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { ServerKeyView } from "@/lib/dashboard/types";

export const serverKeyKeys = {
  all: (projectId: string) => ["projects", projectId, "server-keys"] as const,
  list: (projectId: string) => [...serverKeyKeys.all(projectId), "list"] as const,
};

const base = (projectId: string) => `/api/dashboard/projects/${encodeURIComponent(projectId)}/server-keys`;

export type NewServerKey = { name: string; stores: string[] | null; readOnly: boolean; audit?: boolean };

export const serverKeysApi = {
  list: (projectId: string) => apiFetch<{ keys: ServerKeyView[] }>(base(projectId)).then((r) => r.keys),
  create: (projectId: string, input: NewServerKey) =>
    apiFetch<{ key: ServerKeyView; token: string }>(base(projectId), { method: "POST", body: input }),
  revoke: (projectId: string, keyId: string) => apiFetch(`${base(projectId)}/${encodeURIComponent(keyId)}`, { method: "DELETE" }),
};
