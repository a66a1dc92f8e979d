"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { projectKeys } from "@/components/projects/api";
import { storeKeys, storesApi } from "./api";

/** Entry counts and activity move while you watch: refresh every few seconds. */
const LIVE_MS = 5_000;

export const useStores = (projectId: string) =>
  useQuery({ queryKey: storeKeys.list(projectId), queryFn: () => storesApi.list(projectId), refetchInterval: LIVE_MS });

export const useStore = (projectId: string, storeId: string) =>
  useQuery({
    queryKey: storeKeys.detail(projectId, storeId),
    queryFn: () => storesApi.get(projectId, storeId),
    refetchInterval: LIVE_MS,
  });

export function useCreateStore(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { storeId: string; displayName: string; description?: string }) => storesApi.create(projectId, input),
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: storeKeys.list(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.list() }),
      ]),
  });
}

export function useDeleteStore(projectId: string, storeId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (confirmStoreId: string) => storesApi.remove(projectId, storeId, confirmStoreId),
    onSuccess: () => {
      qc.removeQueries({ queryKey: storeKeys.detail(projectId, storeId) });
      return Promise.all([
        qc.invalidateQueries({ queryKey: storeKeys.list(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.list() }),
      ]);
    },
  });
}
