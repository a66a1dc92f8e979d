"use client";
import Link from "next/link";
import { useProjectRole } from "@/components/projects/project-nav";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ChevronRight, StoreIcon } from "@/components/ui/icons";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { formatDate, formatNumber, formatRelative } from "@/lib/dashboard/format";
import { quickStartSnippet } from "@/lib/dashboard/snippets";
import { CreateStoreDialog } from "./create-store-dialog";
import { useStores } from "./hooks";
import { useBaseUrl } from "./use-base-url";

export function StoresView({ projectId }: { projectId: string }) {
  const stores = useStores(projectId);
  const role = useProjectRole(projectId);
  const baseUrl = useBaseUrl();
  const canManage = role === "owner";

  if (stores.isPending) {
    return (
      <Card>
        <LoadingState label="Loading stores" />
      </Card>
    );
  }
  if (stores.isError) {
    return (
      <Card>
        <ErrorState title="Could not load the stores" error={stores.error} onRetry={() => stores.refetch()} />
      </Card>
    );
  }
  if (stores.data.length === 0) {
    return (
      <div className="space-y-6">
        <Card>
          <EmptyState
            icon={<StoreIcon />}
            title="No stores yet"
            action={canManage ? <CreateStoreDialog projectId={projectId} label="Create your first store" /> : null}
          >
            {canManage ? "Create a store, add a server key, and your app can keep secrets here with two lines:" : "An owner of this project can create stores."}
          </EmptyState>
        </Card>
        <section aria-labelledby="quick-start" className="space-y-2">
          <h2 id="quick-start" className="text-sm font-semibold text-slate-900">
            Get started
          </h2>
          <CodeBlock code={quickStartSnippet()} label="Your server app (npm install @data-vault/sdk)" />
          <p className="text-sm text-slate-600">
            <code className="font-mono text-slate-800">baseUrl</code> is <code className="font-mono text-slate-800">{baseUrl}</code>;{" "}
            <code className="font-mono text-slate-800">serverKey</code> comes from the Server keys tab;{" "}
            <code className="font-mono text-slate-800">secret</code> is your app&apos;s own, at least 32 random characters.
          </p>
        </section>
      </div>
    );
  }

  return (
    <Card>
      <CardHeader
        title="Stores"
        description="Counts and activity refresh every few seconds."
        actions={canManage ? <CreateStoreDialog projectId={projectId} /> : null}
      />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Stores in this project</caption>
          <thead className="text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-5 py-3 font-medium">Store</th>
              <th scope="col" className="px-5 py-3 text-right font-medium">Entries</th>
              <th scope="col" className="hidden px-5 py-3 font-medium sm:table-cell">Created</th>
              <th scope="col" className="hidden px-5 py-3 font-medium md:table-cell">Last activity</th>
              <th scope="col" className="w-8 px-3 py-3"><span className="sr-only">Open</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {stores.data.map((s) => (
              <tr key={s.id} className="group relative hover:bg-slate-50">
                <td className="max-w-0 px-5 py-3.5">
                  <Link href={`/projects/${projectId}/stores/${encodeURIComponent(s.id)}`} className="block min-w-0 after:absolute after:inset-0 focus-visible:outline-none group-focus-within:text-indigo-700">
                    <span className="block truncate font-medium text-slate-900">{s.displayName}</span>
                    <span className="block truncate font-mono text-xs text-slate-500">{s.id}</span>
                  </Link>
                </td>
                <td className="px-5 py-3.5 text-right tabular-nums text-slate-900" data-testid="store-entry-count">{formatNumber(s.entryCount)}</td>
                <td className="hidden whitespace-nowrap px-5 py-3.5 text-slate-600 sm:table-cell">{formatDate(s.createdAt)}</td>
                <td className="hidden whitespace-nowrap px-5 py-3.5 text-slate-600 md:table-cell">{formatRelative(s.lastActivityAt)}</td>
                <td className="px-3 py-3.5 text-slate-400 group-hover:text-indigo-500"><ChevronRight /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
