// Audit events: query keys, fetchers and export links.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { AuditEventView, AuditPage } from "@/lib/audit/types";

export type { AuditEventView, AuditPage };

/** The filters the pages offer; empty strings mean "any". */
export type AuditFilters = { store: string; action: string; actor: string; result: string; keyHash: string; since: string; until: string };
export const NO_FILTERS: AuditFilters = { store: "", action: "", actor: "", result: "", keyHash: "", since: "", until: "" };

export type AuditHealth = {
  mode: "on" | "required" | "off";
  retentionDays: number;
  depth: number;
  capacity: number;
  written: number;
  dropped: { queue_full: number; write_failed: number };
  writeFailures: number;
  healthy: boolean;
  lastFailureAt: string | null;
};

export const auditKeys = {
  project: (projectId: string, filters: AuditFilters, cursor: string | null) => ["projects", projectId, "audit", filters, cursor] as const,
  securityAll: () => ["admin", "security-events"] as const,
  security: (filters: AuditFilters, cursor: string | null) => [...auditKeys.securityAll(), filters, cursor] as const,
};

/** datetime-local values are the browser's local time: sent as ISO with a zone. */
function isoOf(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function queryString(filters: AuditFilters, extra: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams();
  const set = (k: string, v: string | undefined) => v && q.set(k, v);
  set("store", filters.store);
  set("action", filters.action);
  set("actor", filters.actor);
  set("result", filters.result);
  set("keyHash", filters.keyHash.trim());
  set("since", isoOf(filters.since));
  set("until", isoOf(filters.until));
  for (const [k, v] of Object.entries(extra)) set(k, v);
  const s = q.toString();
  return s ? `?${s}` : "";
}

const projectBase = (projectId: string) => `/api/dashboard/projects/${encodeURIComponent(projectId)}/audit`;
const PAGE = "50";

export const auditApi = {
  project: (projectId: string, filters: AuditFilters, cursor: string | null) =>
    apiFetch<AuditPage>(projectBase(projectId) + queryString(filters, { cursor: cursor ?? undefined, limit: PAGE })),
  security: (filters: AuditFilters, cursor: string | null) =>
    apiFetch<AuditPage & { audit: AuditHealth }>("/api/dashboard/admin/security-events" + queryString(filters, { cursor: cursor ?? undefined, limit: PAGE })),
  projectExportUrl: (projectId: string, filters: AuditFilters, format: "jsonl" | "csv") => `${projectBase(projectId)}/export${queryString(filters, { format })}`,
  securityExportUrl: (filters: AuditFilters, format: "jsonl" | "csv") => `/api/dashboard/admin/security-events/export${queryString(filters, { format })}`,
};
