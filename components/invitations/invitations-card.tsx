"use client";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { FormError, TextField } from "@/components/ui/field";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { isApiError } from "@/lib/dashboard/api-client";
import { formatDate } from "@/lib/dashboard/format";
import { createInvitationSchema, fieldErrors, type Role } from "@/lib/dashboard/schemas";
import { useCreateInvitation, useInvitations, useRevokeInvitation } from "./hooks";

const selectClass =
  "h-10 rounded-lg border-0 bg-white px-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

/** Owners invite by email; the link is shown once, to hand over. */
export function InvitationsCard({ projectId }: { projectId: string }) {
  const invitations = useInvitations(projectId);
  const create = useCreateInvitation(projectId);
  const revoke = useRevokeInvitation(projectId);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [error, setError] = useState<string | undefined>();
  const [created, setCreated] = useState<{ email: string; link: string } | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = createInvitationSchema.safeParse({ email, role });
    if (!parsed.success) return setError(fieldErrors(parsed.error).email);
    try {
      const result = await create.mutateAsync(parsed.data);
      setCreated({ email: result.invitation.email, link: result.link });
      setEmail("");
    } catch (err) {
      setError(isApiError(err) ? (err.field("email") ?? err.message) : "Could not create the invitation.");
    }
  }

  return (
    <Card>
      <CardHeader
        title="Invitations"
        description="Invite someone by email. You get a single-use link, valid for 7 days, to hand to them; they set a password (or sign in) and join."
      />
      {created ? (
        <div className="space-y-2 border-b border-slate-100 bg-emerald-50/60 px-5 py-4" data-testid="invitation-created">
          <p className="text-sm font-medium text-slate-900">Invitation link for {created.email}: copy it now, it is not shown again.</p>
          <div className="flex flex-col gap-2 sm:flex-row sm:items-center">
            <code data-testid="invitation-link" className="block min-w-0 flex-1 break-all rounded-md bg-white px-3 py-2 text-xs text-slate-800 ring-1 ring-inset ring-slate-200">
              {created.link}
            </code>
            <CopyButton text={created.link} label="Copy link" />
            <Button variant="ghost" size="sm" onClick={() => setCreated(null)}>
              Done
            </Button>
          </div>
        </div>
      ) : null}
      <form onSubmit={onSubmit} className="flex flex-col gap-3 p-5 sm:flex-row sm:items-start" noValidate>
        <TextField
          label="Invite by email"
          type="email"
          value={email}
          onChange={(e) => {
            setEmail(e.target.value);
            setError(undefined);
          }}
          error={error}
          placeholder="teammate@example.com"
          className="flex-1"
        />
        <div className="space-y-1.5">
          <label htmlFor="invite-role" className="block text-sm font-medium text-slate-800">
            Role
          </label>
          <select id="invite-role" className={selectClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="member">Member (view)</option>
            <option value="owner">Owner (manage)</option>
          </select>
        </div>
        <Button type="submit" loading={create.isPending} className="sm:mt-7">
          Create invitation link
        </Button>
      </form>
      {invitations.isPending ? (
        <LoadingState label="Loading invitations" rows={1} />
      ) : invitations.isError ? (
        <ErrorState title="Could not load the invitations" error={invitations.error} onRetry={() => invitations.refetch()} />
      ) : invitations.data.length > 0 ? (
        <>
          {revoke.error ? (
            <div className="px-5">
              <FormError message={revoke.error.message} />
            </div>
          ) : null}
          <ul className="divide-y divide-slate-100 border-t border-slate-100">
            {invitations.data.map((i) => (
              <li key={i.id} data-testid="invitation-row" className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900">
                    {i.email} <Badge tone={i.role === "owner" ? "indigo" : "slate"}>{i.role}</Badge>{" "}
                    {i.expired ? <Badge tone="amber">expired</Badge> : <Badge tone="green">open</Badge>}
                  </p>
                  <p className="text-xs text-slate-500">
                    {i.expired ? "Expired" : "Expires"} {formatDate(i.expiresAt)}
                    {i.invitedBy ? ` · invited by ${i.invitedBy}` : ""}
                  </p>
                </div>
                <Button variant="ghost" size="sm" onClick={() => revoke.mutate(i.id)} disabled={revoke.isPending} aria-label={`Revoke the invitation of ${i.email}`}>
                  Revoke
                </Button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}
