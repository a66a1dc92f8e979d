"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError } from "@/components/ui/field";
import type { ServerKeyView } from "@/lib/dashboard/types";
import { useRevokeServerKey } from "./hooks";

export function RevokeServerKeyDialog({ projectId, serverKey }: { projectId: string; serverKey: ServerKeyView }) {
  const [open, setOpen] = useState(false);
  const revoke = useRevokeServerKey(projectId);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) revoke.reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm" className="text-red-700" aria-label={`Revoke ${serverKey.name}`}>
          Revoke
        </Button>
      </DialogTrigger>
      <DialogContent
        title={`Revoke “${serverKey.name}”?`}
        description="Apps using this key get 401 UNAUTHENTICATED within a few seconds. This cannot be undone."
      >
        <FormError message={revoke.error?.message} />
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            variant="danger"
            loading={revoke.isPending}
            onClick={async () => {
              try {
                await revoke.mutateAsync(serverKey.id);
                setOpen(false);
              } catch {
                // Shown above from revoke.error.
              }
            }}
          >
            Revoke key
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
