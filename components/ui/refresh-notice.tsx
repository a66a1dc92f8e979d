"use client";
// When a background refresh fails, the page keeps what it shows and says so
// in one small line; the query keeps retrying on its interval.
import type { UseQueryResult } from "@tanstack/react-query";
import { useTimeFormat } from "./time";

export function RefreshNotice({ query }: { query: Pick<UseQueryResult, "isError" | "data" | "error" | "dataUpdatedAt" | "isFetching" | "refetch"> }) {
  const f = useTimeFormat();
  if (!query.isError || query.data === undefined) return null;
  const since = new Date(query.dataUpdatedAt).toISOString();
  return (
    <div
      role="status"
      data-testid="refresh-notice"
      className="flex flex-wrap items-center gap-x-2 gap-y-1 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-inset ring-amber-200 dark:bg-amber-950/60 dark:text-amber-100 dark:ring-amber-900"
    >
      <span>
        Could not refresh ({query.error instanceof Error ? query.error.message : "unknown error"}). Showing what was loaded{" "}
        <time dateTime={since} title={f.exact(since)}>
          {f.relative(since)}
        </time>
        .
      </span>
      <button
        type="button"
        onClick={() => query.refetch()}
        disabled={query.isFetching}
        className="font-medium underline underline-offset-2 hover:no-underline disabled:opacity-60"
      >
        {query.isFetching ? "Retrying…" : "Retry now"}
      </button>
    </div>
  );
}
