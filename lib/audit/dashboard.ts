import "server-only";
// The dashboard's audit routes: query parameters to a filter, a page of
// events, and streamed exports (each export is itself recorded).
import { withTransaction } from "../db/tx";
import { VaultError } from "../vault/errors";
import { auditQuerySchema, type AuditQuery } from "../dashboard/schemas";
import { actionsIn } from "./actions";
import type { Actor, ActorType } from "./actor";
import { exportHeaders, exportStream, type ExportFormat } from "./export";
import { allAuditEvents, queryAuditEvents } from "./query";
import { recordAuditEvent, auditStats } from "./record";
import type { AuditFilter, AuditPage } from "./types";

export function parseAuditQuery(req: Request): AuditQuery {
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = auditQuerySchema.safeParse(params);
  if (!parsed.success) {
    const details = parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join(".") || "(query)", message: i.message }));
    throw new VaultError("INVALID_REQUEST", details[0]?.message ?? "Invalid filters.", details);
  }
  return parsed.data;
}

function actorFilter(actor: string | undefined): Pick<AuditFilter, "actorType" | "actorId"> {
  if (actor === undefined) return {};
  if (actor === "cli") return { actorId: "cli" };
  if (actor === "anonymous") return { actorType: "anonymous" };
  const [type, id] = actor.split(/:(.*)/s) as [ActorType, string];
  return { actorType: type, actorId: id };
}

/** A project's events (members), or the instance's security events (admins). */
export function filterOf(q: AuditQuery, scope: { projectId: string } | { security: true }): AuditFilter {
  const filter: AuditFilter = {
    ...actorFilter(q.actor),
    storeId: q.store,
    keyHash: q.keyHash,
    result: q.result,
    since: q.since ? new Date(q.since) : undefined,
    until: q.until ? new Date(q.until) : undefined,
  };
  if ("projectId" in scope) return { ...filter, projectId: scope.projectId, actions: q.action ? [q.action] : undefined };
  const security = actionsIn("security");
  if (q.action && !security.includes(q.action)) throw new VaultError("INVALID_REQUEST", "Not a security event.", [{ path: "action", message: "Not a security event." }]);
  return { ...filter, actions: q.action ? [q.action] : security };
}

export async function auditPage(q: AuditQuery, scope: { projectId: string } | { security: true }): Promise<AuditPage> {
  return queryAuditEvents(filterOf(q, scope), { cursor: q.cursor, limit: q.limit ?? 50 });
}

/** The audit writer's state, for the admin page. */
export function auditHealth() {
  return auditStats();
}

export async function exportAudit(q: AuditQuery, scope: { projectId: string } | { security: true }, actor: Actor): Promise<Response> {
  const format: ExportFormat = q.format ?? "jsonl";
  const filter = filterOf(q, scope);
  const projectId = "projectId" in scope ? scope.projectId : null;
  const described = Object.entries(q)
    .filter(([k, v]) => v !== undefined && k !== "cursor" && k !== "limit")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(" ");
  await withTransaction((tx) => recordAuditEvent({ action: "audit.export", actor, projectId, target: described || `format=${format}` }, { tx }));
  const name = `audit-${projectId ?? "security"}-${new Date().toISOString().slice(0, 19).replace(/:/g, "")}`;
  return new Response(exportStream(allAuditEvents(filter), format), { status: 200, headers: exportHeaders(format, name) });
}
