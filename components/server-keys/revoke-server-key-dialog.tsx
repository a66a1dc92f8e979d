"use client";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { ServerKeyView } from "@/lib/dashboard/types";
import { useRevokeServerKey } from "./hooks";

export function RevokeServerKeyDialog({ projectId, serverKey }: { projectId: string; serverKey: ServerKeyView }) {
  const revoke = useRevokeServerKey(projectId);
  return (
    <ConfirmDialog
      trigger={
        <Button variant="danger-outline" size="sm" aria-label={`Revoke ${serverKey.name}`}>
          Revoke
        </Button>
      }
      title={`Revoke “${serverKey.name}”?`}
      description="Apps using this key get 401 UNAUTHENTICATED within a few seconds. This cannot be undone."
      confirmLabel="Revoke key"
      action={revoke}
      onConfirm={() => revoke.mutateAsync({ id: serverKey.id, name: serverKey.name })}
    />
  );
}
