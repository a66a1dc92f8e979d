// Stores: query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { ActivityDays } from "@/lib/dashboard/schemas";
import type { ActivityDay, StoreView, StoreWithGenerations } from "@/lib/dashboard/types";
import type { AuditEventView } from "@/lib/audit/types";

export const storeKeys = {
  all: (projectId: string) => ["projects", projectId, "stores"] as const,
  list: (projectId: string) => [...storeKeys.all(projectId), "list"] as const,
  /** Every range of one store. */
  store: (projectId: string, storeId: string) => [...storeKeys.all(projectId), "detail", storeId] as const,
  detail: (projectId: string, storeId: string, days: ActivityDays) => [...storeKeys.store(projectId, storeId), days] as const,
};

const base = (projectId: string) => `/api/dashboard/projects/${encodeURIComponent(projectId)}/stores`;

export type StoreDetail = { store: StoreWithGenerations; activity: ActivityDay[]; events: AuditEventView[] };

export const storesApi = {
  list: (projectId: string) => apiFetch<{ stores: StoreView[] }>(base(projectId)).then((r) => r.stores),
  get: (projectId: string, storeId: string, days: ActivityDays) =>
    apiFetch<StoreDetail>(`${base(projectId)}/${encodeURIComponent(storeId)}?days=${days}`),
  create: (projectId: string, input: { storeId: string; displayName: string; description?: string }) =>
    apiFetch<{ store: StoreView }>(base(projectId), { method: "POST", body: input }).then((r) => r.store),
  remove: (projectId: string, storeId: string, confirmStoreId: string) =>
    apiFetch(`${base(projectId)}/${encodeURIComponent(storeId)}`, { method: "DELETE", body: { confirmStoreId } }),
};
