import type { ReactNode } from "react";
import { cn } from "./cn";

export function Card({ children, className }: { children: ReactNode; className?: string }) {
  return <div className={cn("min-w-0 rounded-xl bg-surface shadow-sm ring-1 ring-line", className)}>{children}</div>;
}

export function CardHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-col gap-3 border-b border-line px-5 py-4 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <h2 className="text-base font-semibold text-fg">{title}</h2>
        {description ? <div className="mt-0.5 text-sm text-fg-muted">{description}</div> : null}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}

/** The red-edged card at the bottom of a page that holds a destructive action. */
export function DangerZone({ title, text, action }: { title: string; text: ReactNode; action: ReactNode }) {
  return (
    <Card className="ring-red-200 dark:ring-red-900">
      <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
        <div className="min-w-0">
          <h2 className="font-semibold text-fg">{title}</h2>
          <p className="text-sm text-fg-muted">{text}</p>
        </div>
        {action}
      </div>
    </Card>
  );
}
