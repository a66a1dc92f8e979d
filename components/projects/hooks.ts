"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Role } from "@/lib/dashboard/schemas";
import { notifyDone, notifyFailed } from "@/lib/dashboard/notify";
import type { MemberView } from "@/lib/dashboard/types";
import { projectKeys, projectsApi } from "./api";

export const useProjects = () => useQuery({ queryKey: projectKeys.list(), queryFn: projectsApi.list });

export const useProject = (projectId: string) =>
  useQuery({ queryKey: projectKeys.detail(projectId), queryFn: () => projectsApi.get(projectId) });

export function useCreateProject() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: projectsApi.create,
    onSuccess: (project) => {
      notifyDone(`Project “${project.name}” created`);
      qc.setQueryData(projectKeys.detail(project.id), project);
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
    onError: (e) => notifyFailed("Could not create the project", e),
  });
}

export function useRenameProject(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string }) => projectsApi.rename(projectId, input),
    onSuccess: (project) => {
      notifyDone(`Renamed to “${project.name}”`);
      qc.setQueryData(projectKeys.detail(projectId), project);
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
    onError: (e) => notifyFailed("Could not rename the project", e),
  });
}

export function useDeleteProject(projectId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (confirmName: string) => projectsApi.remove(projectId, confirmName),
    onSuccess: (_data, confirmName) => {
      notifyDone(`Project “${confirmName}” deleted`, "Its stores, entries and server keys are erased.");
      qc.removeQueries({ queryKey: projectKeys.detail(projectId) });
      return qc.invalidateQueries({ queryKey: projectKeys.list() });
    },
    onError: (e) => notifyFailed("Could not delete the project", e),
  });
}

export const useMembers = (projectId: string) =>
  useQuery({ queryKey: projectKeys.members(projectId), queryFn: () => projectsApi.members(projectId) });

function useMemberMutation<T>(projectId: string, fn: (input: T) => Promise<unknown>, done: (input: T) => string, failed: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: (_data, input) => {
      notifyDone(done(input));
      return Promise.all([
        qc.invalidateQueries({ queryKey: projectKeys.members(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.detail(projectId) }),
        qc.invalidateQueries({ queryKey: projectKeys.list() }),
      ]);
    },
    onError: (e) => notifyFailed(failed, e),
  });
}

/** The member's email from the cached list, for a toast that says who. */
function useMemberEmail(projectId: string) {
  const qc = useQueryClient();
  return (userId: string) => qc.getQueryData<MemberView[]>(projectKeys.members(projectId))?.find((m) => m.userId === userId)?.email ?? "The member";
}

export function useUpdateMember(projectId: string) {
  const email = useMemberEmail(projectId);
  return useMemberMutation(
    projectId,
    (input: { userId: string; role: Role }) => projectsApi.updateMember(projectId, input.userId, input.role),
    (input) => `${email(input.userId)} is now ${input.role === "owner" ? "an owner" : "a member"}`,
    "Could not change the role",
  );
}

export function useRemoveMember(projectId: string) {
  const email = useMemberEmail(projectId);
  return useMemberMutation(
    projectId,
    (userId: string) => projectsApi.removeMember(projectId, userId),
    (userId) => `${email(userId)} removed from the project`,
    "Could not remove the member",
  );
}
