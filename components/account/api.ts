// The signed-in account (settings page): query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { SessionView } from "@/lib/dashboard/types";

export const accountKeys = {
  all: ["account"] as const,
  sessions: () => [...accountKeys.all, "sessions"] as const,
};

export const accountApi = {
  sessions: () => apiFetch<{ sessions: SessionView[] }>("/api/dashboard/account/sessions").then((r) => r.sessions),
  revokeSession: (sessionId: string) => apiFetch(`/api/dashboard/account/sessions/${encodeURIComponent(sessionId)}`, { method: "DELETE" }),
  revokeAll: () => apiFetch<{ ended: number }>("/api/dashboard/account/sessions", { method: "DELETE" }),
  changePassword: (input: { currentPassword: string; newPassword: string }) =>
    apiFetch<{ changed: true; endedSessions: number }>("/api/dashboard/account/password", { method: "POST", body: input }),
};
