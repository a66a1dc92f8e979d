"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { PlusIcon } from "@/components/ui/icons";
import { isApiError } from "@/lib/dashboard/api-client";
import { createProjectSchema, fieldErrors, PROJECT_NAME_MAX } from "@/lib/dashboard/schemas";
import { useCreateProject } from "./hooks";

export function CreateProjectDialog({ trigger }: { trigger?: React.ReactNode }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const create = useCreateProject();
  // Checked as you type once too long (nothing is cut off silently).
  const liveError = error ?? (name.trim().length > PROJECT_NAME_MAX ? `At most ${PROJECT_NAME_MAX} characters.` : undefined);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createProjectSchema.safeParse({ name });
    if (!parsed.success) return setError(fieldErrors(parsed.error).name);
    try {
      const project = await create.mutateAsync(parsed.data);
      setOpen(false);
      setName("");
      router.push(`/projects/${project.id}`);
    } catch (err) {
      if (isApiError(err, "INVALID_REQUEST")) setError(err.field("name") ?? err.message);
    }
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        // Every dialog starts afresh when it is closed, however it is closed.
        if (!o) {
          setName("");
          setError(undefined);
          create.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        {trigger ?? (
          <Button>
            <PlusIcon /> New project
          </Button>
        )}
      </DialogTrigger>
      <DialogContent title="Create a project" description="A project groups the stores and server keys of one app.">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <FormError message={create.error && !isApiError(create.error, "INVALID_REQUEST") ? create.error.message : null} />
          <TextField
            label="Project name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setError(undefined);
            }}
            error={liveError}
            limit={PROJECT_NAME_MAX}
            placeholder="Acme production"
            autoFocus
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              Create project
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
