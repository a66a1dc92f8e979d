"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { accountApi, accountKeys } from "./api";

export const useSessions = () => useQuery({ queryKey: accountKeys.sessions(), queryFn: accountApi.sessions });

export function useRevokeSession() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: accountApi.revokeSession, onSuccess: () => qc.invalidateQueries({ queryKey: accountKeys.sessions() }) });
}

export const useRevokeAllSessions = () => useMutation({ mutationFn: accountApi.revokeAll });

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: accountApi.changePassword, onSuccess: () => qc.invalidateQueries({ queryKey: accountKeys.sessions() }) });
}
