"use client";
// Removing a member asks first: they lose access to the project at once.
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { MemberView } from "@/lib/dashboard/types";
import { useRemoveMember } from "./hooks";

export function RemoveMemberDialog({ projectId, member, isYou }: { projectId: string; member: MemberView; isYou?: boolean }) {
  const remove = useRemoveMember(projectId);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="ghost" size="sm" aria-label={`Remove ${member.email}`}>
          Remove
        </Button>
      }
      title={isYou ? "Leave this project?" : `Remove ${member.name || member.email}?`}
      description={
        isYou
          ? "You lose access to its stores, server keys and settings at once. An owner can add you again."
          : `${member.email} loses access to this project's stores, server keys and settings at once. You can add them again later.`
      }
      confirmLabel={isYou ? "Leave project" : "Remove member"}
      action={remove}
      onConfirm={() => remove.mutateAsync(member.userId)}
    />
  );
}
