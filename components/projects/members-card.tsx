"use client";
import { useState, type FormEvent } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError, TextField } from "@/components/ui/field";
import { ErrorState, LoadingState } from "@/components/ui/states";
import { isApiError } from "@/lib/dashboard/api-client";
import { addMemberSchema, fieldErrors, type Role } from "@/lib/dashboard/schemas";
import { useAddMember, useMembers, useRemoveMember, useUpdateMember } from "./hooks";

const selectClass =
  "h-10 rounded-lg border-0 bg-white px-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

function AddMemberForm({ projectId }: { projectId: string }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [error, setError] = useState<string | undefined>();
  const add = useAddMember(projectId);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = addMemberSchema.safeParse({ email, role });
    if (!parsed.success) return setError(fieldErrors(parsed.error).email);
    try {
      await add.mutateAsync(parsed.data);
      setEmail("");
    } catch (err) {
      setError(isApiError(err) ? (err.field("email") ?? err.message) : "Could not add the member.");
    }
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-3 border-t border-slate-100 p-5 sm:flex-row sm:items-start" noValidate>
      <TextField
        label="Add a member by email"
        type="email"
        value={email}
        onChange={(e) => {
          setEmail(e.target.value);
          setError(undefined);
        }}
        error={error}
        hint="They need an account on this instance."
        placeholder="teammate@example.com"
        className="flex-1"
      />
      <div className="space-y-1.5">
        <label htmlFor="new-member-role" className="block text-sm font-medium text-slate-800">
          Role
        </label>
        <select id="new-member-role" className={selectClass} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <option value="member">Member (view)</option>
          <option value="owner">Owner (manage)</option>
        </select>
      </div>
      <Button type="submit" loading={add.isPending} className="sm:mt-7">
        Add
      </Button>
    </form>
  );
}

export function MembersCard({ projectId, canManage, currentEmail }: { projectId: string; canManage: boolean; currentEmail?: string }) {
  const members = useMembers(projectId);
  const update = useUpdateMember(projectId);
  const remove = useRemoveMember(projectId);
  const rowError = update.error ?? remove.error;

  return (
    <Card>
      <CardHeader title="Members" description="Owners manage stores, keys and members. Members can only view." />
      {members.isPending ? (
        <LoadingState label="Loading members" rows={2} />
      ) : members.isError ? (
        <ErrorState title="Could not load the members" error={members.error} onRetry={() => members.refetch()} />
      ) : (
        <>
          {rowError ? (
            <div className="px-5 pt-4">
              <FormError message={rowError.message} />
            </div>
          ) : null}
          <ul className="divide-y divide-slate-100">
            {members.data.map((m) => (
              <li key={m.userId} className="flex flex-col gap-2 px-5 py-3 sm:flex-row sm:items-center sm:justify-between">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900">
                    {m.name || m.email}
                    {m.email === currentEmail ? <span className="ml-1.5 text-slate-500">(you)</span> : null}
                  </p>
                  {m.name ? <p className="truncate text-xs text-slate-500">{m.email}</p> : null}
                </div>
                {canManage ? (
                  <div className="flex items-center gap-2">
                    <label className="sr-only" htmlFor={`role-${m.userId}`}>
                      Role of {m.email}
                    </label>
                    <select
                      id={`role-${m.userId}`}
                      className={`${selectClass} h-8`}
                      value={m.role}
                      disabled={update.isPending}
                      onChange={(e) => update.mutate({ userId: m.userId, role: e.target.value as Role })}
                    >
                      <option value="owner">Owner</option>
                      <option value="member">Member</option>
                    </select>
                    <Button variant="ghost" size="sm" onClick={() => remove.mutate(m.userId)} aria-label={`Remove ${m.email}`} disabled={remove.isPending}>
                      Remove
                    </Button>
                  </div>
                ) : (
                  <Badge tone={m.role === "owner" ? "indigo" : "slate"}>{m.role}</Badge>
                )}
              </li>
            ))}
          </ul>
          {canManage ? <AddMemberForm projectId={projectId} /> : null}
        </>
      )}
    </Card>
  );
}
