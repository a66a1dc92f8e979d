"use client";
import Link from "next/link";
import { useProjectRole } from "@/components/projects/project-nav";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { isApiError } from "@/lib/dashboard/api-client";
import { formatDate, formatNumber, formatRelative } from "@/lib/dashboard/format";
import { storeSnippet } from "@/lib/dashboard/snippets";
import { ActivityChart } from "./activity-chart";
import { DeleteStoreDialog } from "./delete-store-dialog";
import { useStore } from "./hooks";
import { useBaseUrl } from "./use-base-url";

function Stat({ label, value, testId }: { label: string; value: React.ReactNode; testId?: string }) {
  return (
    <div className="rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 truncate text-xl font-semibold tabular-nums text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export function StoreDetailView({ projectId, storeId }: { projectId: string; storeId: string }) {
  const query = useStore(projectId, storeId);
  const role = useProjectRole(projectId);
  const baseUrl = useBaseUrl();

  if (query.isPending) {
    return (
      <Card>
        <LoadingState label="Loading the store" rows={4} />
      </Card>
    );
  }
  if (query.isError) {
    return (
      <Card>
        {isApiError(query.error, "STORE_NOT_FOUND") ? (
          <EmptyState title="Store not found">
            It may have been deleted.{" "}
            <Link className="font-medium text-indigo-600" href={`/projects/${projectId}`}>
              Back to the stores
            </Link>
          </EmptyState>
        ) : (
          <ErrorState title="Could not load this store" error={query.error} onRetry={() => query.refetch()} />
        )}
      </Card>
    );
  }

  const { store, activity } = query.data;
  return (
    <div className="space-y-6">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <nav aria-label="Breadcrumb" className="text-sm text-slate-500">
            <Link href={`/projects/${projectId}`} className="hover:text-slate-800">
              Stores
            </Link>
            <span aria-hidden="true"> / </span>
          </nav>
          <h2 className="break-words text-xl font-semibold text-slate-900">{store.displayName}</h2>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-sm text-slate-700">{store.id}</code>
            <CopyButton text={store.id} label="Copy id" />
          </div>
          {store.description ? <p className="mt-2 max-w-2xl text-sm text-slate-600">{store.description}</p> : null}
        </div>
      </div>

      <dl className="grid grid-cols-1 gap-3 sm:grid-cols-3">
        <Stat label="Entries" value={formatNumber(store.entryCount)} testId="store-entries" />
        <Stat label="Created" value={formatDate(store.createdAt)} />
        <Stat label="Last activity" value={formatRelative(store.lastActivityAt)} />
      </dl>

      <Card>
        <CardHeader title="Activity" description="Last 30 days. Counts arrive within a few seconds." />
        <div className="p-5">
          <ActivityChart days={activity} />
        </div>
      </Card>

      <Card>
        <CardHeader title="Use this store" description="Server-side only. Values are encrypted in your app before they are sent." />
        <div className="space-y-3 p-5">
          <CodeBlock code={storeSnippet(baseUrl, store.id)} label="TypeScript · npm install @data-vault/sdk" copyLabel="Copy code" />
          <p className="text-sm text-slate-600">
            Need a key?{" "}
            <Link href={`/projects/${projectId}/keys`} className="font-medium text-indigo-600 hover:text-indigo-500">
              Create a server key
            </Link>{" "}
            and put it in <code className="font-mono">VAULT_SERVER_KEY</code>.
          </p>
        </div>
      </Card>

      {role === "owner" ? (
        <Card className="ring-red-200">
          <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
            <div>
              <h2 className="font-semibold text-slate-900">Delete this store</h2>
              <p className="text-sm text-slate-600">Erases every entry in it. Type the store id to confirm.</p>
            </div>
            <DeleteStoreDialog projectId={projectId} storeId={store.id} entryCount={store.entryCount} />
          </div>
        </Card>
      ) : null}
    </div>
  );
}
