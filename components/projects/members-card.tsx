"use client";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { FormError } from "@/components/ui/field";
import { ErrorState, LoadingState } from "@/components/ui/states";
import type { Role } from "@/lib/dashboard/schemas";
import { useMembers, useRemoveMember, useUpdateMember } from "./hooks";
import { RemoveMemberDialog } from "./remove-member-dialog";

const selectClass =
  "h-10 rounded-lg border-0 bg-white px-3 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

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
                    <RemoveMemberDialog projectId={projectId} member={m} isYou={m.email === currentEmail} />
                  </div>
                ) : (
                  <Badge tone={m.role === "owner" ? "indigo" : "slate"}>{m.role}</Badge>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  );
}
