"use client";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { isApiError } from "@/lib/dashboard/api-client";
import { fieldErrors, PROJECT_NAME_MAX, renameProjectSchema } from "@/lib/dashboard/schemas";
import { useRenameProject } from "./hooks";

export function RenameProjectForm({ projectId, name, canEdit }: { projectId: string; name: string; canEdit: boolean }) {
  const [value, setValue] = useState(name);
  const [error, setError] = useState<string | undefined>();
  const rename = useRenameProject(projectId);
  const liveError = error ?? (value.trim().length > PROJECT_NAME_MAX ? `At most ${PROJECT_NAME_MAX} characters.` : undefined);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = renameProjectSchema.safeParse({ name: value });
    if (!parsed.success) return setError(fieldErrors(parsed.error).name);
    try {
      await rename.mutateAsync(parsed.data);
    } catch (err) {
      setError(isApiError(err) ? (err.field("name") ?? err.message) : "Could not rename the project.");
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3 p-5 sm:flex-row sm:items-start" noValidate>
      <TextField
        label="Project name"
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setError(undefined);
        }}
        error={liveError}
        limit={canEdit ? PROJECT_NAME_MAX : undefined}
        disabled={!canEdit}
        className="flex-1"
      />
      {canEdit ? (
        <Button type="submit" variant="secondary" loading={rename.isPending} disabled={value.trim() === name} className="sm:mt-7">
          Rename
        </Button>
      ) : null}
    </form>
  );
}
