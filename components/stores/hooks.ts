"use client";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { projectKeys } from "@/components/projects/api";
import type { ActivityDays } from "@/lib/dashboard/schemas";
import { notifyDone, notifyFailed } from "@/lib/dashboard/notify";
import { plural } from "@/lib/dashboard/format";
import { storeKeys, storesApi } from "./api";

/** Entry counts and activity move while you watch: refresh every few seconds. */
const LIVE_MS = 5_000;

export const useStores = (projectId: string) =>
  useQuery({ queryKey: storeKeys.list(projectId), queryFn: () => storesApi.list(projectId), refetchInterval: LIVE_MS });

/** The store and its activity; another range keeps the page as it is until its numbers arrive. */
export const useStore = (projectId: string, storeId: string, days: ActivityDays) =>
  useQuery({
    queryKey: storeKeys.detail(projectId, storeId, days),
    queryFn: () => storesApi.get(projectId, storeId, days),
    refetchInterval: LIVE_MS,
    placeholderData: keepPreviousData,
  });

export function useCreateStore(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { storeId: string; displayName: string; description?: string }) => storesApi.create(projectId, input),
    onSuccess: (store) => {
      notifyDone(`Store “${store.id}” created`);
      return Promise.all([
        qc.invalidateQueries({ queryKey: storeKeys.list(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.list() }),
      ]);
    },
    onError: (e) => notifyFailed("Could not create the store", e),
  });
}

export function useDeleteStore(projectId: string, storeId: string, entryCount: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (confirmStoreId: string) => storesApi.remove(projectId, storeId, confirmStoreId),
    onSuccess: () => {
      notifyDone(`Store “${storeId}” deleted`, entryCount > 0 ? `${plural(entryCount, "entry", "entries")} erased.` : undefined);
      qc.removeQueries({ queryKey: storeKeys.store(projectId, storeId) });
      return Promise.all([
        qc.invalidateQueries({ queryKey: storeKeys.list(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.list() }),
      ]);
    },
    onError: (e) => notifyFailed("Could not delete the store", e),
  });
}
