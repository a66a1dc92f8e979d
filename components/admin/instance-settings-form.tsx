"use client";
import { useState, type FormEvent } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError, TextAreaField } from "@/components/ui/field";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { isApiError } from "@/lib/dashboard/api-client";
import { instanceSettingsSchema } from "@/lib/dashboard/schemas";
import type { InstanceSettingsView } from "@/lib/dashboard/types";
import { useInstanceSettings, useSaveInstanceSettings } from "./hooks";

function SettingsForm({ initial }: { initial: InstanceSettingsView }) {
  const save = useSaveInstanceSettings();
  const [open, setOpen] = useState(initial.openSignUp);
  const [domains, setDomains] = useState(initial.signUpDomains.join("\n"));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const list = domains
      .split(/[\s,]+/)
      .map((d) => d.trim().replace(/^@/, ""))
      .filter(Boolean);
    const parsed = instanceSettingsSchema.safeParse({ openSignUp: open, signUpDomains: list });
    if (!parsed.success) return setError(parsed.error.issues[0]?.message ?? "Check the domains.");
    try {
      await save.mutateAsync(parsed.data);
      setError(null);
      setSaved(true);
    } catch (err) {
      setError(isApiError(err) ? err.message : "Could not save.");
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4 p-5 sm:max-w-lg" noValidate>
      <FormError message={error} />
      {saved ? (
        <p role="status" className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
          Saved.
        </p>
      ) : null}
      <label className="flex items-start gap-3 text-sm text-slate-800">
        <input type="checkbox" className="mt-0.5 h-4 w-4 rounded border-slate-300" checked={open} onChange={(e) => setOpen(e.target.checked)} />
        <span>
          <span className="font-medium">Allow open sign-up</span>
          <span className="block text-slate-500">
            Off: people join only through project invitations (or accounts made with the admin CLI). On: anyone who can reach the dashboard can create an
            account (never an admin one) without proving their email.
          </span>
        </span>
      </label>
      <TextAreaField
        label="Only these email domains (optional)"
        hint="One per line, e.g. example.com. Empty: any domain."
        value={domains}
        onChange={(e) => setDomains(e.target.value)}
        disabled={!open}
      />
      <Button type="submit" loading={save.isPending}>
        Save
      </Button>
    </form>
  );
}

export function InstanceSettingsView() {
  const settings = useInstanceSettings();
  return (
    <div>
      <PageHeader title="Instance settings" description="Who may create an account on this instance." />
      <Card>
        <CardHeader title="Sign-up" />
        {settings.isPending ? (
          <LoadingState label="Loading settings" rows={2} />
        ) : settings.isError ? (
          <ErrorState title="Could not load the settings" error={settings.error} onRetry={() => settings.refetch()} />
        ) : (
          <SettingsForm initial={settings.data} />
        )}
      </Card>
    </div>
  );
}
