"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { projectKeys } from "@/components/projects/api";
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
  return useMutation({ mutationFn: (input: NewServerKey) => serverKeysApi.create(projectId, input), onSuccess: invalidate });
}

export function useRevokeServerKey(projectId: string) {
  const invalidate = useInvalidateKeys(projectId);
  return useMutation({ mutationFn: (keyId: string) => serverKeysApi.revoke(projectId, keyId), onSuccess: invalidate });
}
