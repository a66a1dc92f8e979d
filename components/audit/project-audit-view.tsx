"use client";
// The project audit page: every recorded event of the project (entry
// access by key hash, and administration), with filters, paging and
// exports. Actor ids are shown by name where the project knows them.
import { useState } from "react";
import { useSearchParams } from "next/navigation";
import { useMembers } from "@/components/projects/hooks";
import { useServerKeys } from "@/components/server-keys/hooks";
import { useStores } from "@/components/stores/hooks";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { actionsIn } from "@/lib/audit/actions";
import { auditApi, NO_FILTERS, type AuditFilters } from "./api";
import { AuditFilterBar, Pager, type Option } from "./audit-filters";
import { EventsTable } from "./events-table";
import { useActorNames, useProjectAudit } from "./hooks";

const ACTIONS = [...actionsIn("access"), ...actionsIn("admin"), "server_key.create" as const, "server_key.revoke" as const, "audit.export" as const, "audit.events_dropped" as const];

export function ProjectAuditView({ projectId }: { projectId: string }) {
  const search = useSearchParams();
  const [filters, setFilters] = useState<AuditFilters>({ ...NO_FILTERS, store: search.get("store") ?? "", keyHash: search.get("keyHash") ?? "" });
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const query = useProjectAudit(projectId, filters, cursor);
  const stores = useStores(projectId);
  const keys = useServerKeys(projectId);
  const members = useMembers(projectId);

  const names = useActorNames(projectId);
  const actors: Option[] = [
    ...(keys.data ?? []).map((k) => ({ value: `server_key:${k.id}`, label: `Server key “${k.name}”` })),
    ...(members.data ?? []).map((u) => ({ value: `user:${u.userId}`, label: u.email })),
    { value: "cli", label: "Admin CLI" },
    { value: "anonymous", label: "Anonymous" },
  ];

  const change = (f: AuditFilters) => {
    setFilters(f);
    setCursors([null]);
  };

  return (
    <Card>
      <CardHeader
        title="Audit log"
        description="Who did what in this project: every API request by key hash (never a key or a value) and every change made in the dashboard or the CLI."
      />
      <AuditFilterBar
        filters={filters}
        onChange={change}
        actions={ACTIONS}
        stores={(stores.data ?? []).map((s) => ({ value: s.id, label: s.id }))}
        actors={actors}
        exportUrl={(format) => auditApi.projectExportUrl(projectId, filters, format)}
      />
      {query.isPending ? (
        <LoadingState label="Loading the audit log" rows={5} />
      ) : query.isError ? (
        <ErrorState title="Could not load the audit log" error={query.error} onRetry={() => query.refetch()} />
      ) : query.data.events.length === 0 ? (
        <EmptyState title="No events">{cursors.length > 1 ? "No older events." : "Nothing matches these filters yet."}</EmptyState>
      ) : (
        <>
          <EventsTable events={query.data.events} names={names} />
          <Pager
            page={cursors.length - 1}
            hasOlder={query.data.nextCursor !== null}
            busy={query.isFetching}
            onNewer={() => setCursors((c) => c.slice(0, -1))}
            onOlder={() => setCursors((c) => [...c, query.data.nextCursor])}
          />
        </>
      )}
    </Card>
  );
}
