"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { adminApi, adminKeys } from "./api";
import { auditKeys } from "@/components/audit/api";

export const useInstanceSettings = () => useQuery({ queryKey: adminKeys.settings(), queryFn: adminApi.settings });

export function useSaveInstanceSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: adminApi.saveSettings,
    onSuccess: (settings) => {
      qc.setQueryData(adminKeys.settings(), settings);
      // The change is a security event: the events page shows it next.
      return qc.invalidateQueries({ queryKey: auditKeys.securityAll() });
    },
  });
}
