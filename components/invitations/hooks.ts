"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Role } from "@/lib/dashboard/schemas";
import { invitationKeys, invitationsApi } from "./api";

export const useInvitations = (projectId: string) =>
  useQuery({ queryKey: invitationKeys.list(projectId), queryFn: () => invitationsApi.list(projectId) });

export function useCreateInvitation(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) => invitationsApi.create(projectId, input),
    onSuccess: () => qc.invalidateQueries({ queryKey: invitationKeys.list(projectId) }),
  });
}

export function useRevokeInvitation(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: string) => invitationsApi.revoke(projectId, invitationId),
    onSuccess: () => qc.invalidateQueries({ queryKey: invitationKeys.list(projectId) }),
  });
}
