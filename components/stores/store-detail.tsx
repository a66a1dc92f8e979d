"use client";
import * as ToggleGroup from "@radix-ui/react-toggle-group";
import Link from "next/link";
import { useState } from "react";
import { useProjectRole } from "@/components/projects/project-nav";
import { Card, CardHeader, DangerZone } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { RefreshNotice } from "@/components/ui/refresh-notice";
import { useRenderInfo } from "@/components/ui/render-context";
import { Spinner } from "@/components/ui/spinner";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { DateText, RelativeTime } from "@/components/ui/time";
import { isApiError } from "@/lib/dashboard/api-client";
import { formatNumber } from "@/lib/dashboard/format";
import { ACTIVITY_RANGES, DEFAULT_ACTIVITY_DAYS, type ActivityDays } from "@/lib/dashboard/schemas";
import { installSnippet, storeSnippet } from "@/lib/dashboard/snippets";
import { EventsTable } from "@/components/audit/events-table";
import { useActorNames } from "@/components/audit/hooks";
import { ActivityChart } from "./activity-chart";
import { DeleteStoreDialog } from "./delete-store-dialog";
import { GenerationsCard } from "./generations-card";
import { useStore } from "./hooks";

function Stat({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="min-w-0 rounded-xl bg-surface px-4 py-3 shadow-sm ring-1 ring-line">
      <dt className="text-xs font-medium uppercase tracking-wide text-fg-subtle">{label}</dt>
      <dd className="mt-1 truncate text-xl font-semibold tabular-nums text-fg" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function RangePicker({ value, onChange, busy }: { value: ActivityDays; onChange: (d: ActivityDays) => void; busy: boolean }) {
  return (
    <div className="flex items-center gap-2">
      {busy ? <Spinner className="h-4 w-4 text-fg-subtle" /> : null}
      <ToggleGroup.Root
        type="single"
        value={String(value)}
        onValueChange={(v) => v && onChange(Number(v) as ActivityDays)}
        aria-label="Range"
        className="inline-flex rounded-lg bg-surface-strong p-0.5"
      >
        {ACTIVITY_RANGES.map((d) => (
          <ToggleGroup.Item
            key={d}
            value={String(d)}
            aria-label={`Last ${d} days`}
            className="rounded-md px-2.5 py-1 text-sm font-medium text-fg-muted hover:text-fg focus-visible:outline focus-visible:outline-2 focus-visible:outline-accent data-[state=on]:bg-surface data-[state=on]:text-fg data-[state=on]:shadow-sm"
          >
            {d}d
          </ToggleGroup.Item>
        ))}
      </ToggleGroup.Root>
    </div>
  );
}

export function StoreDetailView({ projectId, storeId }: { projectId: string; storeId: string }) {
  const [days, setDays] = useState<ActivityDays>(DEFAULT_ACTIVITY_DAYS);
  const query = useStore(projectId, storeId, days);
  const role = useProjectRole(projectId);
  const { origin } = useRenderInfo();
  const names = useActorNames(projectId);

  if (query.data === undefined) {
    return (
      <Card>
        {query.isError ? (
          isApiError(query.error, "STORE_NOT_FOUND") ? (
            <EmptyState title="Store not found">
              It may have been deleted.{" "}
              <Link className="font-medium text-accent hover:underline" href={`/projects/${projectId}`}>
                Back to the stores
              </Link>
            </EmptyState>
          ) : (
            <ErrorState title="Could not load this store" error={query.error} onRetry={() => query.refetch()} />
          )
        ) : (
          <LoadingState label="Loading the store" rows={4} />
        )}
      </Card>
    );
  }

  const { store, activity, events } = query.data;
  const shownDays = activity.length;
  return (
    <div className="space-y-6">
      <div className="min-w-0">
        <Link href={`/projects/${projectId}`} className="text-sm text-fg-subtle hover:text-fg">
          ← All stores
        </Link>
        <h2 className="mt-1 text-xl font-semibold text-fg [overflow-wrap:anywhere]" data-testid="store-display-name">
          {store.displayName}
        </h2>
        <div className="mt-1 flex min-w-0 flex-wrap items-center gap-2">
          <code className="min-w-0 rounded bg-surface-strong px-1.5 py-0.5 font-mono text-sm text-fg [overflow-wrap:anywhere]">{store.id}</code>
          <CopyButton text={store.id} label="Copy id" />
        </div>
        {store.description ? <p className="mt-2 max-w-2xl text-sm text-fg-muted [overflow-wrap:anywhere]">{store.description}</p> : null}
      </div>

      <RefreshNotice query={query} />

      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Stat label="Entries" testId="store-entries">
          {formatNumber(store.entryCount)}
        </Stat>
        <Stat label="Created">
          <DateText iso={store.createdAt} />
        </Stat>
        <Stat label="Last activity">
          <RelativeTime iso={store.lastActivityAt} />
        </Stat>
      </dl>

      <Card>
        <CardHeader
          title="Activity"
          description={`Reads, writes, deletes and misses per day, last ${shownDays} days. Counts arrive within a few seconds.`}
          actions={<RangePicker value={days} onChange={setDays} busy={query.isPlaceholderData} />}
        />
        <div className="p-4 sm:p-5">
          <ActivityChart
            days={activity}
            empty={
              <>
                No activity in the last {shownDays} days. Reads and writes through the API show up here within a few seconds.
              </>
            }
          />
        </div>
      </Card>

      <GenerationsCard generations={store.generations} />

      <Card>
        <CardHeader
          title="Recent events"
          description="The latest requests and changes in this store, by key hash."
          actions={
            <Link href={`/projects/${projectId}/audit?store=${encodeURIComponent(store.id)}`} className="text-sm font-medium text-accent hover:underline">
              Full audit log →
            </Link>
          }
        />
        {events.length === 0 ? <p className="px-5 py-4 text-sm text-fg-muted">No events yet.</p> : <EventsTable events={events} names={names} showStore={false} compact />}
      </Card>

      <Card>
        <CardHeader title="Use this store" description="Server-side only. Values are encrypted in your app before they are sent." />
        <div className="space-y-3 p-4 sm:p-5">
          <CodeBlock code={installSnippet(origin)} label="Install the SDK from this instance" copyLabel="Copy command" />
          <CodeBlock code={storeSnippet(origin, store.id)} label="TypeScript" copyLabel="Copy code" />
          <p className="text-sm text-fg-muted">
            Need a key?{" "}
            <Link href={`/projects/${projectId}/keys`} className="font-medium text-accent hover:underline">
              Create a server key
            </Link>{" "}
            and put it in <code className="font-mono">VAULT_SERVER_KEY</code>.
          </p>
        </div>
      </Card>

      {role === "owner" ? (
        <DangerZone
          title="Delete this store"
          text="Erases every entry in it. Type the store id to confirm."
          action={<DeleteStoreDialog projectId={projectId} storeId={store.id} entryCount={store.entryCount} />}
        />
      ) : null}
    </div>
  );
}
