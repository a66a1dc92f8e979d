"use client";
// One confirmation for an action that needs no typing (revoke a server key,
// remove a member, retire or rotate a master key): a trigger, a title that
// names what happens, what follows, Cancel and the action. The
// action's error shows inside and the dialog stays open to try again;
// success closes it (the caller's mutation shows its toast). Deleting a
// store or a project asks to type the name instead (their own dialogs).
import { useState, type ReactElement, type ReactNode } from "react";
import { Button } from "./button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "./dialog";
import { FormError } from "./field";

type Action = {
  /** The mutation's state: its pending flag and its last error. */
  isPending: boolean;
  error?: { message: string } | null;
  reset: () => void;
};

export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel,
  tone = "danger",
  action,
  onConfirm,
}: {
  /** The button that opens it (rendered as the Radix trigger). */
  trigger: ReactElement;
  title: ReactNode;
  description: ReactNode;
  confirmLabel: ReactNode;
  /** "danger" for what removes something; "primary" for what only changes it. */
  tone?: "danger" | "primary";
  action: Action;
  /** Resolves when done (the dialog closes); rejects to keep it open with the error. */
  onConfirm: () => Promise<unknown>;
}) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) action.reset();
      }}
    >
      <DialogTrigger asChild>{trigger}</DialogTrigger>
      <DialogContent title={title} description={description}>
        <FormError message={action.error?.message} />
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="secondary">Cancel</Button>
          </DialogClose>
          <Button
            variant={tone}
            loading={action.isPending}
            onClick={async () => {
              try {
                await onConfirm();
                setOpen(false);
              } catch {
                // Shown above from action.error.
              }
            }}
          >
            {confirmLabel}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
