"use client";
import { useProjectRole } from "@/components/projects/project-nav";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { KeyIcon } from "@/components/ui/icons";
import { RefreshNotice } from "@/components/ui/refresh-notice";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { DateText, RelativeTime } from "@/components/ui/time";
import type { ServerKeyView } from "@/lib/dashboard/types";
import { CreateServerKeyDialog } from "./create-server-key-dialog";
import { useServerKeys } from "./hooks";
import { RevokeServerKeyDialog } from "./revoke-server-key-dialog";

function Scope({ k }: { k: ServerKeyView }) {
  return (
    <div className="flex min-w-0 flex-wrap items-center gap-1">
      <Badge tone={k.readOnly ? "slate" : "indigo"}>{k.readOnly ? "read-only" : "read-write"}</Badge>
      {k.audit ? <Badge tone="amber">audit</Badge> : null}
      {k.stores === null ? (
        <Badge tone="slate">all stores</Badge>
      ) : (
        k.stores.map((s) => (
          <Badge key={s} tone="slate" className="font-mono" title={s}>
            {s}
          </Badge>
        ))
      )}
    </div>
  );
}

export function ServerKeysView({ projectId }: { projectId: string }) {
  const keys = useServerKeys(projectId);
  const role = useProjectRole(projectId);
  const canManage = role === "owner";
  const action = canManage ? <CreateServerKeyDialog projectId={projectId} /> : null;

  return (
    <div className="space-y-4">
      <RefreshNotice query={keys} />
      <Card>
        <CardHeader title="Server keys" description="Your server apps authenticate with these. Keep them out of browsers and repositories." actions={action} />
        {keys.data === undefined ? (
          keys.isError ? (
            <ErrorState title="Could not load the server keys" error={keys.error} onRetry={() => keys.refetch()} />
          ) : (
            <LoadingState label="Loading server keys" />
          )
        ) : keys.data.length === 0 ? (
          <EmptyState icon={<KeyIcon />} title="No server keys yet">
            {role === null
              ? null
              : canManage
                ? "Create one for each app or environment, so you can revoke them one at a time."
                : "An owner of this project can create server keys."}
          </EmptyState>
        ) : (
          <ul className="divide-y divide-line">
            {keys.data.map((k) => (
              <li key={k.id} className="flex flex-col gap-3 px-5 py-4 sm:flex-row sm:items-center sm:justify-between" data-testid="server-key-row">
                <div className="min-w-0 space-y-1.5">
                  <div className="flex min-w-0 flex-wrap items-center gap-2">
                    <span className="min-w-0 font-medium text-fg [overflow-wrap:anywhere]" data-testid="server-key-name">
                      {k.name}
                    </span>
                    <code className="rounded bg-surface-strong px-1.5 py-0.5 font-mono text-xs text-fg-muted">{k.displayPrefix}…</code>
                    {k.revokedAt ? (
                      <Badge tone="red">
                        revoked&nbsp;
                        <DateText iso={k.revokedAt} />
                      </Badge>
                    ) : null}
                  </div>
                  <Scope k={k} />
                  <p className="text-xs text-fg-subtle">
                    Created <DateText iso={k.createdAt} /> · Last used <RelativeTime iso={k.lastUsedAt} never="never" />
                  </p>
                </div>
                {canManage && !k.revokedAt ? <RevokeServerKeyDialog projectId={projectId} serverKey={k} /> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
