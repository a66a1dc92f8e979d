"use client";
import { useState, type FormEvent } from "react";
import { useStores } from "@/components/stores/hooks";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogClose, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { FormError, TextField } from "@/components/ui/field";
import { PlusIcon } from "@/components/ui/icons";
import { cn } from "@/components/ui/cn";
import { isApiError } from "@/lib/dashboard/api-client";
import { createServerKeySchema, fieldErrors } from "@/lib/dashboard/schemas";
import { useCreateServerKey } from "./hooks";

function Choice({ name, value, checked, onChange, title, text }: { name: string; value: string; checked: boolean; onChange: () => void; title: string; text: string }) {
  return (
    <label
      className={cn(
        "flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-inset",
        checked ? "bg-indigo-50/60 ring-indigo-300" : "ring-slate-200 hover:bg-slate-50",
      )}
    >
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} className="mt-0.5 h-4 w-4 accent-indigo-600" />
      <span>
        <span className="block text-sm font-medium text-slate-900">{title}</span>
        <span className="block text-xs text-slate-500">{text}</span>
      </span>
    </label>
  );
}

export function CreateServerKeyDialog({ projectId }: { projectId: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"all" | "some">("all");
  const [chosen, setChosen] = useState<string[]>([]);
  const [readOnly, setReadOnly] = useState(false);
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [token, setToken] = useState<string | null>(null);
  const create = useCreateServerKey(projectId);
  const stores = useStores(projectId);

  function reset() {
    setName("");
    setScope("all");
    setChosen([]);
    setReadOnly(false);
    setErrors({});
    setToken(null);
    create.reset();
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createServerKeySchema.safeParse({ name, stores: scope === "all" ? null : chosen, readOnly });
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    try {
      const created = await create.mutateAsync(parsed.data);
      setToken(created.token);
    } catch (err) {
      if (isApiError(err) && err.details.length) setErrors(Object.fromEntries(err.details.map((d) => [d.path.split(".")[0]!, d.message])));
    }
  }

  const toggle = (id: string) => {
    setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
    setErrors((er) => ({ ...er, stores: undefined }));
  };

  return (
    <Dialog
      open={open}
      onOpenChange={(o) => {
        setOpen(o);
        if (!o) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <PlusIcon /> New server key
        </Button>
      </DialogTrigger>
      {token ? (
        <DialogContent title="Copy your server key" description="This is the only time it is shown. Store it in your app's secret manager.">
          <div className="space-y-3">
            <div className="rounded-lg bg-slate-900 p-3">
              <code className="block break-all font-mono text-sm text-emerald-300" data-testid="new-server-key">
                {token}
              </code>
            </div>
            <div className="flex items-center justify-between gap-2">
              <p className="text-sm text-slate-600">
                Set it as <code className="font-mono">VAULT_SERVER_KEY</code>.
              </p>
              <CopyButton text={token} label="Copy key" />
            </div>
            <p className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200">
              We keep only a hash. If you lose it, revoke it and create a new one.
            </p>
          </div>
          <DialogFooter>
            <DialogClose asChild>
              <Button>Done</Button>
            </DialogClose>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent title="Create a server key" description="Your server app authenticates to the vault with it.">
          <form onSubmit={onSubmit} className="space-y-5" noValidate>
            <FormError message={create.error && !(isApiError(create.error) && create.error.details.length) ? create.error.message : null} />
            <TextField
              label="Name"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                setErrors((er) => ({ ...er, name: undefined }));
              }}
              error={errors.name}
              placeholder="api-production"
              hint="Say where it is used, so you know what breaks when you revoke it."
              autoFocus
            />
            <fieldset className="space-y-2">
              <legend className="mb-1.5 text-sm font-medium text-slate-800">Stores</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                <Choice name="scope" value="all" checked={scope === "all"} onChange={() => setScope("all")} title="All stores" text="Including stores created later" />
                <Choice name="scope" value="some" checked={scope === "some"} onChange={() => setScope("some")} title="Only some stores" text="Choose below" />
              </div>
              {scope === "some" ? (
                <div className="rounded-lg p-3 ring-1 ring-inset ring-slate-200">
                  {stores.isPending ? (
                    <p className="text-sm text-slate-500">Loading stores…</p>
                  ) : stores.isError ? (
                    <p className="text-sm text-red-600">Could not load the stores.</p>
                  ) : stores.data.length === 0 ? (
                    <p className="text-sm text-slate-500">This project has no stores yet.</p>
                  ) : (
                    <ul className="max-h-40 space-y-1.5 overflow-y-auto">
                      {stores.data.map((s) => (
                        <li key={s.id}>
                          <label className="flex items-center gap-2 text-sm">
                            <input type="checkbox" checked={chosen.includes(s.id)} onChange={() => toggle(s.id)} className="h-4 w-4 accent-indigo-600" />
                            <span className="font-mono text-slate-800">{s.id}</span>
                            <span className="truncate text-slate-500">{s.displayName}</span>
                          </label>
                        </li>
                      ))}
                    </ul>
                  )}
                  {errors.stores ? (
                    <p className="mt-2 text-sm text-red-600" role="alert">
                      {errors.stores}
                    </p>
                  ) : null}
                </div>
              ) : null}
            </fieldset>
            <fieldset>
              <legend className="mb-1.5 text-sm font-medium text-slate-800">Access</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                <Choice name="access" value="rw" checked={!readOnly} onChange={() => setReadOnly(false)} title="Read and write" text="Get, set and delete entries" />
                <Choice name="access" value="ro" checked={readOnly} onChange={() => setReadOnly(true)} title="Read only" text="Get entries; writes get 403" />
              </div>
            </fieldset>
            <DialogFooter>
              <DialogClose asChild>
                <Button variant="secondary">Cancel</Button>
              </DialogClose>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </DialogFooter>
          </form>
        </DialogContent>
      )}
    </Dialog>
  );
}
