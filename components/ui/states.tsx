import type { ReactNode } from "react";
import { Button } from "./button";
import { cn } from "./cn";

export function Skeleton({ className }: { className?: string }) {
  return <div className={cn("animate-pulse rounded-md bg-surface-strong", className)} aria-hidden="true" />;
}

export function LoadingState({ label = "Loading", rows = 3 }: { label?: string; rows?: number }) {
  return (
    <div role="status" aria-live="polite" className="space-y-3 p-5">
      <span className="sr-only">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className={cn("h-10", i % 2 ? "w-4/5" : "w-full")} />
      ))}
    </div>
  );
}

export function ErrorState({ title = "Could not load this", error, onRetry }: { title?: string; error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : "Something went wrong.";
  return (
    <div role="alert" className="flex flex-col items-center gap-3 px-6 py-10 text-center">
      <div className="flex h-10 w-10 items-center justify-center rounded-full bg-red-50 font-semibold text-red-600 dark:bg-red-950 dark:text-red-300" aria-hidden="true">
        !
      </div>
      <div>
        <p className="font-medium text-fg">{title}</p>
        <p className="mt-1 text-sm text-fg-muted">{message}</p>
      </div>
      {onRetry ? (
        <Button variant="secondary" size="sm" onClick={onRetry}>
          Try again
        </Button>
      ) : null}
    </div>
  );
}

export function EmptyState({
  icon,
  title,
  children,
  action,
}: {
  icon?: ReactNode;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center gap-3 px-6 py-12 text-center">
      {icon ? (
        <div className="flex h-12 w-12 items-center justify-center rounded-full bg-accent-soft text-accent" aria-hidden="true">
          {icon}
        </div>
      ) : null}
      <div className="max-w-md">
        <p className="font-semibold text-fg">{title}</p>
        {children ? <div className="mt-1 text-sm text-fg-muted">{children}</div> : null}
      </div>
      {action}
    </div>
  );
}
