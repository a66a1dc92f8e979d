"use client";
import { signIn, signOut } from "next-auth/react";
import { useState, type FormEvent } from "react";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { isApiError } from "@/lib/dashboard/api-client";
import { formatRelative } from "@/lib/dashboard/format";
import { changePasswordSchema, fieldErrors, MIN_PASSWORD_LENGTH } from "@/lib/dashboard/schemas";
import type { AccountSettingsView } from "@/lib/dashboard/types";
import { useChangePassword, useRevokeAllSessions, useRevokeSession, useSessions } from "./hooks";

function PasswordCard() {
  const change = useChangePassword();
  const [values, setValues] = useState({ currentPassword: "", newPassword: "" });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);

  const set = (key: keyof typeof values) => (e: React.ChangeEvent<HTMLInputElement>) => {
    setValues((v) => ({ ...v, [key]: e.target.value }));
    setErrors((er) => ({ ...er, [key]: "" }));
    setDone(null);
  };

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = changePasswordSchema.safeParse(values);
    if (!parsed.success) return setErrors(fieldErrors(parsed.error));
    try {
      const result = await change.mutateAsync(parsed.data);
      setValues({ currentPassword: "", newPassword: "" });
      setDone(`Password changed. ${result.endedSessions === 1 ? "1 other session was" : `${result.endedSessions} other sessions were`} signed out.`);
    } catch (error) {
      if (isApiError(error) && error.details.length) setErrors(Object.fromEntries(error.details.map((d) => [d.path, d.message])));
      else setErrors({ _: error instanceof Error ? error.message : "Could not change the password." });
    }
  }

  return (
    <Card>
      <CardHeader title="Password" description="Changing it signs out every other session of your account." />
      <form onSubmit={onSubmit} className="space-y-4 p-5 sm:max-w-md" noValidate>
        <FormError message={errors._} />
        {done ? (
          <p role="status" className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-200">
            {done}
          </p>
        ) : null}
        <TextField label="Current password" type="password" autoComplete="current-password" value={values.currentPassword} onChange={set("currentPassword")} error={errors.currentPassword} />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={values.newPassword}
          onChange={set("newPassword")}
          error={errors.newPassword}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters, not a common password.`}
        />
        <Button type="submit" loading={change.isPending}>
          Change password
        </Button>
      </form>
    </Card>
  );
}

function SessionsCard() {
  const sessions = useSessions();
  const revoke = useRevokeSession();
  const revokeAll = useRevokeAllSessions();

  async function signOutEverywhere() {
    await revokeAll.mutateAsync();
    await signOut({ callbackUrl: "/sign-in" });
  }

  return (
    <Card>
      <CardHeader
        title="Sessions"
        description="Browsers signed in to your account. End one you do not recognise, or sign out everywhere."
        actions={
          <Button variant="danger" size="sm" loading={revokeAll.isPending} onClick={signOutEverywhere}>
            Sign out everywhere
          </Button>
        }
      />
      {sessions.isPending ? (
        <LoadingState label="Loading sessions" rows={2} />
      ) : sessions.isError ? (
        <ErrorState title="Could not load the sessions" error={sessions.error} onRetry={() => sessions.refetch()} />
      ) : (
        <>
          <FormError message={revoke.error?.message ?? revokeAll.error?.message} />
          <ul className="divide-y divide-slate-100">
            {sessions.data.map((s) => (
              <li key={s.id} data-testid="session-row" className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900" title={s.userAgent ?? undefined}>
                    {describeAgent(s.userAgent)} {s.current ? <Badge tone="green">this browser</Badge> : null}
                  </p>
                  <p className="text-xs text-slate-500">
                    {s.address ?? "unknown address"} · signed in {formatRelative(s.createdAt)} with {s.method} · last active {formatRelative(s.lastSeenAt)}
                  </p>
                </div>
                {s.current ? null : (
                  <Button variant="ghost" size="sm" disabled={revoke.isPending} onClick={() => revoke.mutate(s.id)} aria-label={`End the session from ${s.address ?? "unknown"}`}>
                    End session
                  </Button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}

/** A short name for a user agent string ("Chrome on Linux"). */
function describeAgent(ua: string | null): string {
  if (!ua) return "Unknown browser";
  const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\/|Chromium\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : "Browser";
  const os = /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? `${browser} on ${os}` : browser;
}

export function AccountSettings({ account, githubEnabled }: { account: AccountSettingsView; githubEnabled: boolean }) {
  return (
    <div>
      <PageHeader title="Account settings" description={`Signed in as ${account.email}${account.isAdmin ? " (instance admin)" : ""}.`} />
      <div className="space-y-6">
        {account.hasPassword ? <PasswordCard /> : null}
        <SessionsCard />
        {githubEnabled ? (
          <Card>
            <CardHeader
              title="GitHub"
              description={account.github ? "Your account is connected to GitHub: you can sign in with it." : "Connect GitHub to sign in with it. Only you, signed in here, can connect it."}
              actions={account.github ? <Badge tone="green">connected</Badge> : <Button variant="secondary" size="sm" onClick={() => signIn("github", { callbackUrl: "/settings" })}>Connect GitHub</Button>}
            />
          </Card>
        ) : null}
      </div>
    </div>
  );
}
