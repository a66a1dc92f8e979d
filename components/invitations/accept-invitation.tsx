"use client";
import Link from "next/link";
import { signIn, signOut } from "next-auth/react";
import { useEffect, useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormError, TextField } from "@/components/ui/field";
import { Spinner } from "@/components/ui/spinner";
import { forgetLinkToken, useLinkToken } from "@/components/auth/use-link-token";
import { apiFetch, isApiError } from "@/lib/dashboard/api-client";
import { formatDate } from "@/lib/dashboard/format";
import { fieldErrors, MIN_PASSWORD_LENGTH, passwordSchema } from "@/lib/dashboard/schemas";
import type { InvitationPreview } from "@/lib/dashboard/types";

const PREFIX = "dvi_";

type Accepted = { projectId: string; email: string; created: boolean };

export function AcceptInvitation({ signedInAs }: { signedInAs: string | null }) {
  const token = useLinkToken(PREFIX);
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (!token) return;
    apiFetch<{ invitation: InvitationPreview }>("/api/dashboard/invitations/preview", { method: "POST", body: { token } })
      .then((r) => setPreview(r.invitation))
      .catch((e: unknown) => setLoadError(e instanceof Error ? e.message : "Could not read the invitation."));
  }, [token]);

  async function accept(body: Record<string, unknown>) {
    const result = await apiFetch<Accepted>("/api/dashboard/invitations/accept", { method: "POST", body: { token, ...body } });
    forgetLinkToken(PREFIX);
    return result;
  }

  async function onCreate(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const parsed = passwordSchema.safeParse(password);
    if (!parsed.success) return setErrors({ password: fieldErrors(parsed.error)._ ?? "Choose another password." });
    setPending(true);
    try {
      const result = await accept({ password, name: name.trim() || undefined });
      const res = await signIn("credentials", { email: result.email, password, redirect: false });
      window.location.href = res && !res.error ? `/projects/${result.projectId}` : "/sign-in";
    } catch (error) {
      if (isApiError(error, "INVALID_REQUEST") && error.details.length) setErrors(Object.fromEntries(error.details.map((d) => [d.path, d.message])));
      else setFormError(error instanceof Error ? error.message : "Could not accept the invitation.");
    } finally {
      setPending(false);
    }
  }

  async function onAccept() {
    setFormError(null);
    setPending(true);
    try {
      const result = await accept({});
      // A full navigation after signing in: nothing rendered before it is reused.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination
      window.location.href = `/projects/${result.projectId}`;
    } catch (error) {
      setFormError(error instanceof Error ? error.message : "Could not accept the invitation.");
    } finally {
      setPending(false);
    }
  }

  const problem = token === null ? "This page needs the invitation link you were given. Open that link again." : loadError;
  if (problem) {
    return (
      <div className="space-y-4">
        <h1 className="text-xl font-semibold text-slate-900">Invitation</h1>
        <FormError message={problem} />
        <p className="text-center text-sm text-slate-600">
          <Link href="/sign-in" className="font-medium text-indigo-600 hover:text-indigo-500">
            Go to sign-in
          </Link>
        </p>
      </div>
    );
  }
  if (!preview) {
    return (
      <div role="status" className="flex items-center justify-center gap-2 py-8 text-sm text-slate-600">
        <Spinner className="h-4 w-4" /> Reading the invitation…
      </div>
    );
  }

  const header = (
    <div className="mb-6 space-y-2">
      <h1 className="text-xl font-semibold text-slate-900">Join {preview.projectName}</h1>
      <p className="text-sm text-slate-600">
        {preview.invitedBy ?? "A project owner"} invited <span className="font-medium text-slate-900">{preview.email}</span> as{" "}
        <Badge tone={preview.role === "owner" ? "indigo" : "slate"}>{preview.role}</Badge>. The link works once, until {formatDate(preview.expiresAt)}.
      </p>
    </div>
  );

  if (signedInAs) {
    const matches = signedInAs === preview.email;
    return (
      <div>
        {header}
        <FormError message={formError} />
        {matches ? (
          <Button className="mt-4 w-full" loading={pending} onClick={onAccept}>
            Accept and open the project
          </Button>
        ) : (
          <div className="space-y-4">
            <p className="text-sm text-slate-600">
              You are signed in as {signedInAs}. This invitation is for {preview.email}: sign out, then open the link again.
            </p>
            <Button variant="secondary" className="w-full" onClick={() => signOut({ callbackUrl: "/invite" })}>
              Sign out
            </Button>
          </div>
        )}
      </div>
    );
  }

  return (
    <div className="space-y-6">
      {header}
      <form onSubmit={onCreate} className="space-y-4" noValidate>
        <FormError message={formError} />
        <TextField label="Email" value={preview.email} readOnly disabled autoComplete="username" />
        <TextField label="Name (optional)" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <TextField
          label="Choose a password"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={(e) => {
            setPassword(e.target.value);
            setErrors({});
          }}
          error={errors.password}
          hint={`At least ${MIN_PASSWORD_LENGTH} characters, not a common password. A passphrase works well.`}
        />
        <Button type="submit" className="w-full" loading={pending}>
          Create account and join
        </Button>
      </form>
      <p className="text-center text-sm text-slate-600">
        Already have an account with this email?{" "}
        <Link href={`/sign-in?callbackUrl=${encodeURIComponent("/invite")}`} className="font-medium text-indigo-600 hover:text-indigo-500">
          Sign in to accept
        </Link>
      </p>
    </div>
  );
}
