"use client";
// A list of audit events: when, what, result, who, where. Key hashes are
// shown as the client sent them (never a logical key: the vault has none).
import { Badge } from "@/components/ui/badge";
import { actionLabel } from "@/lib/audit/actions";
import type { AuditEventView } from "./api";

const timeFormat = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });

const RESULT_TONE: Record<string, "green" | "slate" | "amber" | "red"> = {
  ok: "green",
  miss: "slate",
  denied: "red",
  rate_limited: "amber",
  conflict: "amber",
  too_large: "amber",
  invalid: "amber",
  not_found: "slate",
  error: "red",
};

export type ActorNames = Map<string, string>;

export function actorText(e: Pick<AuditEventView, "actorType" | "actorId">, names?: ActorNames): string {
  switch (e.actorType) {
    case "user":
      return names?.get(`user:${e.actorId}`) ?? `user ${e.actorId}`;
    case "server_key":
      return names?.get(`server_key:${e.actorId}`) ?? `key ${e.actorId}`;
    case "cli":
      return "admin CLI";
    case "system":
      return `system: ${e.actorId ?? "?"}`;
    default:
      return "anonymous";
  }
}

export function EventsTable({ events, names, showStore = true, compact = false }: { events: AuditEventView[]; names?: ActorNames; showStore?: boolean; compact?: boolean }) {
  return (
    // Scrolls sideways on a phone: focusable, so a keyboard can scroll it too.
    <div className="overflow-x-auto focus-visible:outline focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-400" tabIndex={0} role="region" aria-label="Events">
      <table className="min-w-full text-left text-sm" data-testid="audit-events">
        <thead className="border-b border-slate-100 text-xs uppercase tracking-wide text-slate-500">
          <tr>
            <th className="px-5 py-2 font-medium">Time</th>
            <th className="px-3 py-2 font-medium">Action</th>
            <th className="px-3 py-2 font-medium">Result</th>
            <th className="px-3 py-2 font-medium">Actor</th>
            {showStore ? <th className="px-3 py-2 font-medium">Store</th> : null}
            <th className="px-3 py-2 font-medium">Key hash / target</th>
            {compact ? null : <th className="px-3 py-2 font-medium">Client</th>}
            {compact ? null : <th className="px-5 py-2 font-medium">Request</th>}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {events.map((e) => (
            <tr key={e.id} className="align-top" data-testid="audit-event" data-action={e.action}>
              <td className="whitespace-nowrap px-5 py-2 tabular-nums text-slate-600" title={e.at}>
                {timeFormat.format(new Date(e.at))}
              </td>
              <td className="px-3 py-2">
                <div className="font-medium text-slate-900">{actionLabel(e.action)}</div>
                <div className="font-mono text-xs text-slate-500">{e.operation ?? e.action}</div>
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                <Badge tone={RESULT_TONE[e.result] ?? "slate"}>{e.status ? `${e.result} · ${e.status}` : e.result}</Badge>
              </td>
              <td className="max-w-[14rem] truncate px-3 py-2 text-slate-700" title={e.actorId ?? undefined}>
                {actorText(e, names)}
              </td>
              {showStore ? <td className="px-3 py-2 font-mono text-xs text-slate-700">{e.storeId ?? "—"}</td> : null}
              <td className="max-w-[16rem] px-3 py-2">
                {e.keyHash ? (
                  <code className="block truncate font-mono text-xs text-slate-700" title={e.keyHash}>
                    {e.keyHash}
                  </code>
                ) : (
                  <span className="block truncate text-slate-600" title={e.target ?? undefined}>
                    {e.target ?? "—"}
                  </span>
                )}
              </td>
              {compact ? null : <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">{e.clientAddress ?? "—"}</td>}
              {compact ? null : (
                <td className="max-w-[10rem] truncate px-5 py-2 font-mono text-xs text-slate-500" title={e.requestId ?? undefined}>
                  {e.requestId ?? "—"}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
