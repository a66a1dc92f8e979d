"use client";
import { useMemo } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useMembers } from "@/components/projects/hooks";
import { useServerKeys } from "@/components/server-keys/hooks";
import { auditApi, auditKeys, type AuditFilters } from "./api";

export const useProjectAudit = (projectId: string, filters: AuditFilters, cursor: string | null) =>
  useQuery({
    queryKey: auditKeys.project(projectId, filters, cursor),
    queryFn: () => auditApi.project(projectId, filters, cursor),
    placeholderData: keepPreviousData,
  });

/** Actor ids to what the project calls them: its server keys by name, its members by email. */
export function useActorNames(projectId: string): Map<string, string> {
  const keys = useServerKeys(projectId);
  const members = useMembers(projectId);
  return useMemo(() => {
    const m = new Map<string, string>();
    for (const k of keys.data ?? []) m.set(`server_key:${k.id}`, `key “${k.name}”`);
    for (const u of members.data ?? []) m.set(`user:${u.userId}`, u.email);
    return m;
  }, [keys.data, members.data]);
}

export const useSecurityEvents = (filters: AuditFilters, cursor: string | null) =>
  useQuery({
    queryKey: auditKeys.security(filters, cursor),
    queryFn: () => auditApi.security(filters, cursor),
    placeholderData: keepPreviousData,
  });
