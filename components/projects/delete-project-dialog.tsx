"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { useDeleteProject } from "./hooks";

export function DeleteProjectDialog({ projectId, name }: { projectId: string; name: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const remove = useDeleteProject(projectId);
  const matches = typed === name;

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!matches) return;
    try {
      await remove.mutateAsync(typed);
      setOpen(false);
      router.push("/projects");
    } catch {
      // Shown below from remove.error.
    }
  }

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
        <Button variant="danger">Delete project</Button>
      </DialogTrigger>
      <DialogContent title="Delete this project?" description="Its stores, all their entries and its server keys are erased. This cannot be undone.">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <FormError message={remove.error?.message} />
          <TextField
            label={
              <>
                Type <span className="font-semibold [overflow-wrap:anywhere]">{name}</span> to confirm
              </>
            }
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            autoFocus
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" variant="danger" disabled={!matches} loading={remove.isPending}>
              Delete project
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
