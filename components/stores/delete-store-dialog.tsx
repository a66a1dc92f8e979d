"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { plural } from "@/lib/dashboard/format";
import { useDeleteStore } from "./hooks";

export function DeleteStoreDialog({ projectId, storeId, entryCount }: { projectId: string; storeId: string; entryCount: number }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useDeleteStore(projectId, storeId, entryCount);
  const matches = typed === storeId;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!matches) return;
    try {
      await remove.mutateAsync(typed);
      setOpen(false);
      router.push(`/projects/${projectId}`);
    } catch {
      // Shown below from remove.error.
    }
  }

  const id = <code className="rounded bg-surface-strong px-1 font-mono text-fg [overflow-wrap:anywhere]">{storeId}</code>;
  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          setTyped("");
          remove.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button variant="danger">Delete store</Button>
      </DialogTrigger>
      <DialogContent
        title="Delete this store?"
        description={
          <>
            {entryCount > 0 ? `This erases ${plural(entryCount, "entry", "entries")} for good. ` : "The store is empty. "}
            Apps using {id} will get STORE_NOT_FOUND. This cannot be undone.
          </>
        }
      >
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <FormError message={remove.error?.message} />
          <TextField
            label={<>Type {id} to confirm</>}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            className="[&_input]:font-mono"
            autoFocus
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" variant="danger" disabled={!matches} loading={remove.isPending}>
              Delete store and entries
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
