"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";
import { PlusIcon } from "@/components/ui/icons";
import { isApiError } from "@/lib/dashboard/api-client";
import { createStoreSchema, fieldErrors, STORE_DESCRIPTION_MAX, STORE_NAME_MAX } from "@/lib/dashboard/schemas";
import { caseTwin, storeIdProblem } from "@/lib/vault/ids";
import { useCreateStore } from "./hooks";

const empty = { storeId: "", displayName: "", description: "" };

export function CreateStoreDialog({ projectId, existing, label = "New store" }: { projectId: string; existing: string[]; label?: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(empty);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const create = useCreateStore(projectId);

  // The id is checked as you type, with the API's own rule, and against the
  // project's stores without regard to case (the database holds the same rule).
  const twin = values.storeId ? caseTwin(values.storeId, existing) : undefined;
  const liveIdProblem = values.storeId
    ? (storeIdProblem(values.storeId) ?? (twin ? `This project has a store “${twin}”; ids are unique without regard to case.` : null))
    : null;
  const idError = errors.storeId ?? liveIdProblem ?? undefined;

  const set = (key: keyof typeof empty) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: undefined }));
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createStoreSchema.safeParse({ ...values, description: values.description || undefined });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    if (liveIdProblem) return;
    try {
      const store = await create.mutateAsync(parsed.data);
      setOpen(false);
      setValues(empty);
      router.push(`/projects/${projectId}/stores/${encodeURIComponent(store.id)}`);
    } catch (err) {
      if (isApiError(err) && err.details.length) setErrors(Object.fromEntries(err.details.map((d) => [d.path, d.message])));
    }
  }

  const formError = create.error && !(isApiError(create.error) && create.error.details.length) ? create.error.message : null;

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        // Every dialog starts afresh when it is closed, however it is closed.
        if (!o) {
          setValues(empty);
          setErrors({});
          create.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <PlusIcon /> {label}
        </Button>
      </DialogTrigger>
      <DialogContent title="Create a store" description="A store is a named set of entries your app reads and writes with a server key.">
        <form onSubmit={onSubmit} className="space-y-4" noValidate>
          <FormError message={formError} />
          <TextField
            label="Store id"
            value={values.storeId}
            onChange={set("storeId")}
            error={idError}
            hint={
              values.storeId ? (
                <span className="text-emerald-700 dark:text-emerald-400">Looks good. Your code uses this id exactly as written.</span>
              ) : (
                "Used in your code. Letters, digits, _ and -; up to 63 characters. Unique in this project without regard to case (oauth-tokens and OAuth-Tokens count as the same)."
              )
            }
            placeholder="oauth-tokens"
            autoComplete="off"
            spellCheck={false}
            className="[&_input]:font-mono"
            autoFocus
          />
          <TextField
            label="Display name"
            value={values.displayName}
            onChange={set("displayName")}
            error={errors.displayName}
            limit={STORE_NAME_MAX}
            placeholder="OAuth tokens"
          />
          <TextAreaField
            label="Description (optional)"
            value={values.description}
            onChange={set("description")}
            error={errors.description}
            limit={STORE_DESCRIPTION_MAX}
            placeholder="Refresh tokens for the GitHub and Google integrations"
            rows={2}
          />
          <DialogFooter>
            <DialogClose asChild>
              <Button variant="secondary">Cancel</Button>
            </DialogClose>
            <Button type="submit" loading={create.isPending}>
              Create store
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
