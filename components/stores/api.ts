// Stores: query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { ActivityDay, StoreView } from "@/lib/dashboard/types";

export const storeKeys = {
  all: (projectId: string) => ["projects", projectId, "stores"] as const,
  list: (projectId: string) => [...storeKeys.all(projectId), "list"] as const,
  detail: (projectId: string, storeId: string) => [...storeKeys.all(projectId), "detail", storeId] as const,
};

const base = (projectId: string) => `/api/dashboard/projects/${encodeURIComponent(projectId)}/stores`;

export type StoreDetail = { store: StoreView; activity: ActivityDay[] };

export const storesApi = {
  list: (projectId: string) => apiFetch<{ stores: StoreView[] }>(base(projectId)).then((r) => r.stores),
  get: (projectId: string, storeId: string) => apiFetch<StoreDetail>(`${base(projectId)}/${encodeURIComponent(storeId)}`),
  create: (projectId: string, input: { storeId: string; displayName: string; description?: string }) =>
    apiFetch<{ store: StoreView }>(base(projectId), { method: "POST", body: input }).then((r) => r.store),
  remove: (projectId: string, storeId: string, confirmStoreId: string) =>
    apiFetch(`${base(projectId)}/${encodeURIComponent(storeId)}`, { method: "DELETE", body: { confirmStoreId } }),
};
