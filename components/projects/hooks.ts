"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Role } from "@/lib/dashboard/schemas";
import { projectKeys, projectsApi } from "./api";

export const useProjects = () => useQuery({ queryKey: projectKeys.list(), queryFn: projectsApi.list });

export const useProject = (projectId: string) =>
  useQuery({ queryKey: projectKeys.detail(projectId), queryFn: () => projectsApi.get(projectId) });

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: projectsApi.create,
    onSuccess: () => qc.invalidateQueries({ queryKey: projectKeys.list() }),
  });
}

export function useRenameProject(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string }) => projectsApi.rename(projectId, input),
    onSuccess: (project) => {
      qc.setQueryData(projectKeys.detail(projectId), project);
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
  });
}

export function useDeleteProject(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (confirmName: string) => projectsApi.remove(projectId, confirmName),
    onSuccess: () => {
      qc.removeQueries({ queryKey: projectKeys.detail(projectId) });
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
  });
}

export const useMembers = (projectId: string) =>
  useQuery({ queryKey: projectKeys.members(projectId), queryFn: () => projectsApi.members(projectId) });

function useMemberMutation<T>(projectId: string, fn: (input: T) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () =>
      Promise.all([
        qc.invalidateQueries({ queryKey: projectKeys.members(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.list() }),
      ]),
  });
}

export const useAddMember = (projectId: string) =>
  useMemberMutation(projectId, (input: { email: string; role: Role }) => projectsApi.addMember(projectId, input));
export const useUpdateMember = (projectId: string) =>
  useMemberMutation(projectId, (input: { userId: string; role: Role }) => projectsApi.updateMember(projectId, input.userId, input.role));
export const useRemoveMember = (projectId: string) =>
  useMemberMutation(projectId, (userId: string) => projectsApi.removeMember(projectId, userId));
