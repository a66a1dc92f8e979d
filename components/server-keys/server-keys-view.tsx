"use client";
import { useProjectRole } from "@/components/projects/project-nav";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { KeyIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { formatDate, formatRelative } from "@/lib/dashboard/format";
import type { ServerKeyView } from "@/lib/dashboard/types";
import { CreateServerKeyDialog } from "./create-server-key-dialog";
import { useServerKeys } from "./hooks";
import { RevokeServerKeyDialog } from "./revoke-server-key-dialog";

function Scope({ k }: { k: ServerKeyView }) {
  return (
    <div className="flex flex-wrap items-center gap-1">
      <Badge tone={k.readOnly ? "slate" : "indigo"}>{k.readOnly ? "read-only" : "read-write"}</Badge>
      {k.stores === null ? (
        <Badge tone="slate">all stores</Badge>
      ) : (
        k.stores.map((s) => (
          <Badge key={s} tone="slate" className="font-mono">
            {s}
          </Badge>
        ))
      )}
    </div>
  );
}

export function ServerKeysView({ projectId }: { projectId: string }) {
  const keys = useServerKeys(projectId);
  const canManage = useProjectRole(projectId) === "owner";
  const action = canManage ? <CreateServerKeyDialog projectId={projectId} /> : null;

  return (
    <Card>
      <CardHeader title="Server keys" description="Your server apps authenticate with these. Keep them out of browsers and repositories." actions={action} />
      {keys.isPending ? (
        <LoadingState label="Loading server keys" />
      ) : keys.isError ? (
        <ErrorState title="Could not load the server keys" error={keys.error} onRetry={() => keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <EmptyState icon={<KeyIcon />} title="No server keys yet">
          {canManage ? "Create one for each app or environment, so you can revoke them one at a time." : "An owner of this project can create server keys."}
        </EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100">
          {keys.data.map((k) => (
            <li key={k.id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:justify-between" data-testid="server-key-row">
              <div className="min-w-0 space-y-1.5">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-medium text-slate-900">{k.name}</span>
                  <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-600">{k.displayPrefix}…</code>
                  {k.revokedAt ? <Badge tone="red">revoked {formatDate(k.revokedAt)}</Badge> : null}
                </div>
                <Scope k={k} />
                <p className="text-xs text-slate-500">
                  Created {formatDate(k.createdAt)} · Last used {formatRelative(k.lastUsedAt).toLowerCase()}
                </p>
              </div>
              {canManage && !k.revokedAt ? <RevokeServerKeyDialog projectId={projectId} serverKey={k} /> : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
