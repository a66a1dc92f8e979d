"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError, TextAreaField, TextField } from "@/components/ui/field";
import { PlusIcon } from "@/components/ui/icons";
import { isApiError } from "@/lib/dashboard/api-client";
import { createStoreSchema, fieldErrors } from "@/lib/dashboard/schemas";
import { storeIdProblem } from "@/lib/vault/ids";
import { useCreateStore } from "./hooks";

const empty = { storeId: "", displayName: "", description: "" };

export function CreateStoreDialog({ projectId, label = "New store" }: { projectId: string; label?: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState(empty);
  const [touchedId, setTouchedId] = useState(false);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const create = useCreateStore(projectId);

  // The id is checked as you type, with the API's own rule.
  const liveIdProblem = touchedId || values.storeId ? storeIdProblem(values.storeId) : null;
  const idError = errors.storeId ?? (values.storeId ? liveIdProblem ?? undefined : undefined);

  const set = (key: keyof typeof empty) => (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: undefined }));
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setTouchedId(true);
    const parsed = createStoreSchema.safeParse({ ...values, description: values.description || undefined });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    try {
      const store = await create.mutateAsync(parsed.data);
      setOpen(false);
      setValues(empty);
      setTouchedId(false);
      router.push(`/projects/${projectId}/stores/${encodeURIComponent(store.id)}`);
    } catch (err) {
      if (isApiError(err, "STORE_EXISTS")) setErrors({ storeId: "This project already has a store with this id." });
      else if (isApiError(err, "INVALID_REQUEST") && err.details.length) {
        setErrors(Object.fromEntries(err.details.map((d) => [d.path, d.message])));
      }
    }
  }

  const formError =
    create.error && !isApiError(create.error, "STORE_EXISTS") && !(isApiError(create.error, "INVALID_REQUEST") && create.error.details.length)
      ? create.error.message
      : null;

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) {
          create.reset();
          setErrors({});
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
            onBlur={() => setTouchedId(true)}
            error={idError}
            hint={
              values.storeId && !liveIdProblem ? (
                <span className="text-emerald-700">Looks good. Your code uses this id.</span>
              ) : (
                "Used in your code. Letters, digits, _ and -; up to 63 characters."
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
            placeholder="OAuth tokens"
          />
          <TextAreaField
            label="Description (optional)"
            value={values.description}
            onChange={set("description")}
            error={errors.description}
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
