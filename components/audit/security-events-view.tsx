"use client";
// Instance-wide security events for admins: sign-ins and lockouts (lib/auth),
// server keys, master- and root-key rotations, accounts, and the audit
// trail's own events (gaps, retention), with the audit writer's state.
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { actionsIn } from "@/lib/audit/actions";
import { formatNumber } from "@/lib/dashboard/format";
import { auditApi, NO_FILTERS, type AuditFilters, type AuditHealth } from "./api";
import { AuditFilterBar, Pager } from "./audit-filters";
import { EventsTable } from "./events-table";
import { useSecurityEvents } from "./hooks";

function Health({ audit }: { audit: AuditHealth }) {
  const dropped = audit.dropped.queue_full + audit.dropped.write_failed;
  return (
    <dl className="grid grid-cols-2 gap-3 px-5 py-4 sm:grid-cols-4" data-testid="audit-health">
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Entry access audit</dt>
        <dd className="mt-1 flex items-center gap-2 text-sm text-slate-900">
          <Badge tone={audit.mode === "off" ? "amber" : "green"}>{audit.mode === "required" ? "required (fail closed)" : audit.mode}</Badge>
          {audit.healthy ? null : <Badge tone="red">writes failing</Badge>}
        </dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Queue</dt>
        <dd className="mt-1 text-sm tabular-nums text-slate-900">
          {formatNumber(audit.depth)} / {formatNumber(audit.capacity)}
        </dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Not recorded (this process)</dt>
        <dd className={`mt-1 text-sm tabular-nums ${dropped > 0 ? "font-semibold text-red-700" : "text-slate-900"}`}>
          {formatNumber(dropped)}
          {dropped > 0 ? ` (queue full ${formatNumber(audit.dropped.queue_full)}, write failed ${formatNumber(audit.dropped.write_failed)})` : ""}
        </dd>
      </div>
      <div>
        <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Retention</dt>
        <dd className="mt-1 text-sm text-slate-900">{audit.retentionDays === 0 ? "forever" : `${audit.retentionDays} days`}</dd>
      </div>
    </dl>
  );
}

export function SecurityEventsView() {
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const query = useSecurityEvents(filters, cursors[cursors.length - 1] ?? null);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">Security events</h1>
        <p className="mt-1 text-sm text-slate-600">Across every project: sign-ins, server keys, key rotations, accounts, and the audit trail itself.</p>
      </div>
      <Card>
        <CardHeader title="Audit trail" description="Counters since this server process started." />
        {query.data ? <Health audit={query.data.audit} /> : <LoadingState rows={1} />}
      </Card>
      <Card>
        <AuditFilterBar
          filters={filters}
          onChange={(f) => {
            setFilters(f);
            setCursors([null]);
          }}
          actions={actionsIn("security")}
          actors={[
            { value: "cli", label: "Admin CLI" },
            { value: "system:auto-rotate", label: "Automatic rotation" },
            { value: "system:audit-writer", label: "Audit writer" },
            { value: "system:audit-retention", label: "Audit retention" },
            { value: "anonymous", label: "Anonymous" },
          ]}
          exportUrl={(format) => auditApi.securityExportUrl(filters, format)}
        />
        {query.isPending ? (
          <LoadingState label="Loading security events" rows={5} />
        ) : query.isError ? (
          <ErrorState title="Could not load the security events" error={query.error} onRetry={() => query.refetch()} />
        ) : query.data.events.length === 0 ? (
          <EmptyState title="No security events">Nothing matches these filters.</EmptyState>
        ) : (
          <>
            <EventsTable events={query.data.events} />
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
    </div>
  );
}
