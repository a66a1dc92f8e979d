"use client";
import { useState, type FormEvent } from "react";
import { useStores } from "@/components/stores/hooks";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogContent, DialogFooter, DialogTrigger, DialogClose } from "@/components/ui/dialog";
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
        "flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-inset has-[:focus-visible]:outline has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-accent",
        checked ? "bg-accent-soft ring-indigo-300 dark:ring-indigo-700" : "ring-line hover:bg-surface-muted",
      )}
    >
      <input type="radio" name={name} value={value} checked={checked} onChange={onChange} className="mt-0.5 h-4 w-4 accent-indigo-600" />
      <span>
        <span className="block text-sm font-medium text-fg">{title}</span>
        <span className="block text-xs text-fg-muted">{text}</span>
      </span>
    </label>
  );
}

/** The key, shown once. Closing before it was copied asks first. */
function ShowOnce({ token, copied, onCopied, confirming, onKeepOpen }: { token: string; copied: boolean; onCopied: () => void; confirming: boolean; onKeepOpen: () => void }) {
  return (
    <>
      <div className="space-y-3">
        <div className="rounded-lg bg-slate-900 p-3 dark:bg-black/40">
          <code className="block break-all font-mono text-sm text-emerald-300" data-testid="new-server-key">
            {token}
          </code>
        </div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <p className="text-sm text-fg-muted">
            Set it as <code className="font-mono">VAULT_SERVER_KEY</code>.
          </p>
          <CopyButton text={token} label="Copy key" onCopied={onCopied} />
        </div>
        {confirming ? (
          <div role="alert" className="space-y-3 rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-inset ring-red-200 dark:bg-red-950/60 dark:text-red-100 dark:ring-red-900">
            <p>
              <span className="font-semibold">You have not copied the key.</span> Once closed it cannot be shown again; you would have to revoke it and
              create another.
            </p>
            <div className="flex flex-wrap gap-2">
              <Button size="sm" onClick={onKeepOpen} autoFocus>
                Keep it open
              </Button>
              <DialogClose asChild>
                <Button size="sm" variant="danger-outline" data-force-close>
                  Close without copying
                </Button>
              </DialogClose>
            </div>
          </div>
        ) : (
          <p className="rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 dark:bg-amber-950/60 dark:text-amber-100 dark:ring-amber-900">
            We keep only a hash. If you lose it, revoke it and create a new one.
          </p>
        )}
      </div>
      <DialogFooter>
        <DialogClose asChild>
          <Button variant={copied ? "primary" : "secondary"}>Done</Button>
        </DialogClose>
      </DialogFooter>
    </>
  );
}

export function CreateServerKeyDialog({ projectId }: { projectId: string }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [scope, setScope] = useState<"all" | "some">("all");
  const [chosen, setChosen] = useState<string[]>([]);
  const [readOnly, setReadOnly] = useState(false);
  // null: the default for the access chosen (read-write yes, read-only no).
  const [audit, setAudit] = useState<boolean | null>(null);
  const auditOn = audit ?? !readOnly;
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [token, setToken] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const create = useCreateServerKey(projectId);
  const stores = useStores(projectId);

  function reset() {
    setName("");
    setScope("all");
    setChosen([]);
    setReadOnly(false);
    setAudit(null);
    setErrors({});
    setToken(null);
    setCopied(false);
    setConfirming(false);
    create.reset();
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createServerKeySchema.safeParse({ name, stores: scope === "all" ? null : chosen, readOnly, audit: auditOn });
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
        if (o) return setOpen(true);
        // Escape, a click outside, the × or Done: with an uncopied key on
        // screen, ask first; the second try (or "Close without copying") closes.
        if (token && !copied && !confirming) return setConfirming(true);
        setOpen(false);
        reset();
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <PlusIcon /> New server key
        </Button>
      </DialogTrigger>
      {token ? (
        <DialogContent title="Copy your server key" description="This is the only time it is shown. Store it in your app's secret manager.">
          <ShowOnce token={token} copied={copied} onCopied={() => setCopied(true)} confirming={confirming} onKeepOpen={() => setConfirming(false)} />
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
            <fieldset className="min-w-0 space-y-2">
              <legend className="mb-1.5 text-sm font-medium text-fg">Stores</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                <Choice name="scope" value="all" checked={scope === "all"} onChange={() => setScope("all")} title="All stores" text="Including stores created later" />
                <Choice name="scope" value="some" checked={scope === "some"} onChange={() => setScope("some")} title="Only some stores" text="Choose below" />
              </div>
              {scope === "some" ? (
                <div className="rounded-lg p-3 ring-1 ring-inset ring-line">
                  {stores.data === undefined ? (
                    stores.isError ? (
                      <p className="text-sm text-red-600 dark:text-red-400">Could not load the stores.</p>
                    ) : (
                      <p className="text-sm text-fg-muted">Loading stores…</p>
                    )
                  ) : stores.data.length === 0 ? (
                    <p className="text-sm text-fg-muted">This project has no stores yet.</p>
                  ) : (
                    <ul className="max-h-40 space-y-1.5 overflow-y-auto" tabIndex={-1}>
                      {stores.data.map((s) => (
                        <li key={s.id}>
                          <label className="flex min-w-0 items-center gap-2 text-sm">
                            <input type="checkbox" checked={chosen.includes(s.id)} onChange={() => toggle(s.id)} className="h-4 w-4 shrink-0 accent-indigo-600" />
                            <span className="min-w-0 truncate font-mono text-fg" title={s.id}>
                              {s.id}
                            </span>
                            <span className="min-w-0 truncate text-fg-muted" title={s.displayName}>
                              {s.displayName}
                            </span>
                          </label>
                        </li>
                      ))}
                    </ul>
                  )}
                  {errors.stores ? (
                    <p className="mt-2 text-sm text-red-600 dark:text-red-400" role="alert">
                      {errors.stores}
                    </p>
                  ) : null}
                </div>
              ) : null}
            </fieldset>
            <fieldset className="min-w-0">
              <legend className="mb-1.5 text-sm font-medium text-fg">Access</legend>
              <div className="grid gap-2 sm:grid-cols-2">
                <Choice name="access" value="rw" checked={!readOnly} onChange={() => setReadOnly(false)} title="Read and write" text="Get, set and delete entries" />
                <Choice name="access" value="ro" checked={readOnly} onChange={() => setReadOnly(true)} title="Read only" text="Get entries; writes get 403" />
              </div>
              <label className="mt-3 flex cursor-pointer items-start gap-2 text-sm">
                <input type="checkbox" checked={auditOn} onChange={(e) => setAudit(e.target.checked)} className="mt-0.5 h-4 w-4 accent-indigo-600" />
                <span>
                  <span className="block font-medium text-slate-900">Audit: read access logs</span>
                  <span className="block text-xs text-slate-500">
                    The app can ask who read or wrote one of its entries (the SDK&apos;s getAccessLog). Read-only keys go without unless you tick it.
                  </span>
                </span>
              </label>
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
