"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { projectKeys } from "@/components/projects/api";
import { notifyDone, notifyFailed } from "@/lib/dashboard/notify";
import { serverKeyKeys, serverKeysApi, type NewServerKey } from "./api";

export const useServerKeys = (projectId: string) =>
  useQuery({ queryKey: serverKeyKeys.list(projectId), queryFn: () => serverKeysApi.list(projectId), refetchInterval: 15_000 });

function useInvalidateKeys(projectId: string) {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: serverKeyKeys.list(projectId) }),
      qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
    ]);
}

export function useCreateServerKey(projectId: string) {
  const invalidate = useInvalidateKeys(projectId);
  return useMutation({
    mutationFn: (input: NewServerKey) => serverKeysApi.create(projectId, input),
    onSuccess: (created) => {
      notifyDone(`Server key “${created.key.name}” created`, "Copy it now: it is shown only once.");
      return invalidate();
    },
    onError: (e) => notifyFailed("Could not create the server key", e),
  });
}

export function useRevokeServerKey(projectId: string) {
  const invalidate = useInvalidateKeys(projectId);
  return useMutation({
    mutationFn: (key: { id: string; name: string }) => serverKeysApi.revoke(projectId, key.id),
    onSuccess: (_data, key) => {
      notifyDone(`Server key “${key.name}” revoked`, "Apps using it get 401 within a few seconds.");
      return invalidate();
    },
    onError: (e) => notifyFailed("Could not revoke the key", e),
  });
}
