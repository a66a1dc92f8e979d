"use client";
import Link from "next/link";
import { useProjectRole } from "@/components/projects/project-nav";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ChevronRight, StoreIcon } from "@/components/ui/icons";
import { RefreshNotice } from "@/components/ui/refresh-notice";
import { useRenderInfo } from "@/components/ui/render-context";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { DateText, RelativeTime } from "@/components/ui/time";
import { formatNumber } from "@/lib/dashboard/format";
import { installSnippet, quickStartSnippet } from "@/lib/dashboard/snippets";
import { CreateStoreDialog } from "./create-store-dialog";
import { useStores } from "./hooks";

export function StoresView({ projectId }: { projectId: string }) {
  const stores = useStores(projectId);
  const role = useProjectRole(projectId);
  const { origin } = useRenderInfo();
  const canManage = role === "owner";

  if (stores.data === undefined) {
    return (
      <Card>
        {stores.isError ? (
          <ErrorState title="Could not load the stores" error={stores.error} onRetry={() => stores.refetch()} />
        ) : (
          <LoadingState label="Loading stores" />
        )}
      </Card>
    );
  }
  if (stores.data.length === 0) {
    return (
      <div className="space-y-6">
        <RefreshNotice query={stores} />
        <Card>
          <EmptyState
            icon={<StoreIcon />}
            title="No stores yet"
            action={canManage ? <CreateStoreDialog projectId={projectId} existing={[]} label="Create your first store" /> : null}
          >
            {/* Until the role is known, say nothing that depends on it. */}
            {role === null ? null : canManage ? "Create a store, add a server key, and your app can keep secrets here with two lines:" : "An owner of this project can create stores."}
          </EmptyState>
        </Card>
        <section aria-labelledby="quick-start" className="space-y-2">
          <h2 id="quick-start" className="text-sm font-semibold text-fg">
            Get started
          </h2>
          <CodeBlock code={installSnippet(origin)} label="Install the SDK from this instance" />
          <CodeBlock code={quickStartSnippet()} label="Your server app" />
          <p className="text-sm text-fg-muted [overflow-wrap:anywhere]">
            <code className="font-mono text-fg">baseUrl</code> is <code className="font-mono text-fg">{origin}</code>;{" "}
            <code className="font-mono text-fg">serverKey</code> comes from the Server keys tab;{" "}
            <code className="font-mono text-fg">secret</code> is your app&apos;s own, at least 32 random characters.
          </p>
        </section>
      </div>
    );
  }

  const ids = stores.data.map((s) => s.id);
  return (
    <div className="space-y-4">
      <RefreshNotice query={stores} />
      <Card>
        <CardHeader
          title="Stores"
          description="Counts and activity refresh every few seconds."
          actions={canManage ? <CreateStoreDialog projectId={projectId} existing={ids} /> : null}
        />
        <table className="w-full table-fixed text-left text-sm">
          <caption className="sr-only">Stores in this project</caption>
          <colgroup>
            <col />
            <col className="w-24 sm:w-28" />
            <col className="hidden w-32 md:table-column" />
            <col className="hidden w-32 lg:table-column" />
            <col className="w-10" />
          </colgroup>
          <thead className="border-b border-line text-xs uppercase tracking-wide text-fg-subtle">
            <tr>
              <th scope="col" className="px-5 py-3 font-medium">
                Store
              </th>
              <th scope="col" className="px-3 py-3 text-right font-medium">
                Entries
              </th>
              <th scope="col" className="hidden px-3 py-3 font-medium md:table-cell">
                Last activity
              </th>
              <th scope="col" className="hidden px-3 py-3 font-medium lg:table-cell">
                Created
              </th>
              <th scope="col" className="px-3 py-3">
                <span className="sr-only">Open</span>
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {stores.data.map((s) => (
              <tr key={s.id} className="group relative hover:bg-surface-muted" data-testid="store-row">
                <td className="px-5 py-3.5 align-top">
                  {/* The link covers the whole row; its focus ring is drawn around the row. */}
                  <Link
                    href={`/projects/${projectId}/stores/${encodeURIComponent(s.id)}`}
                    className="block min-w-0 outline-none after:absolute after:inset-0 after:rounded-sm focus-visible:after:outline focus-visible:after:outline-2 focus-visible:after:-outline-offset-2 focus-visible:after:outline-accent"
                    data-testid="store-link"
                  >
                    <span className="relative z-10 block truncate font-medium text-fg group-hover:text-accent-fg" title={s.displayName} data-testid="store-name">
                      {s.displayName}
                    </span>
                    <span className="relative z-10 block truncate font-mono text-xs text-fg-subtle" title={s.id} data-testid="store-id">
                      {s.id}
                    </span>
                    {s.description ? (
                      <span className="relative z-10 mt-1 line-clamp-2 text-xs text-fg-muted [overflow-wrap:anywhere]" title={s.description} data-testid="store-description">
                        {s.description}
                      </span>
                    ) : null}
                  </Link>
                </td>
                <td className="px-3 py-3.5 text-right align-top tabular-nums text-fg" data-testid="store-entry-count">
                  {formatNumber(s.entryCount)}
                </td>
                <td className="hidden truncate px-3 py-3.5 align-top text-fg-muted md:table-cell">
                  <RelativeTime iso={s.lastActivityAt} className="relative z-10" />
                </td>
                <td className="hidden truncate px-3 py-3.5 align-top text-fg-muted lg:table-cell">
                  <DateText iso={s.createdAt} className="relative z-10" />
                </td>
                <td className="px-3 py-3.5 align-top text-fg-subtle group-hover:text-accent">
                  <ChevronRight />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </div>
  );
}
