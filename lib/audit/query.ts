import "server-only";
// The one read path of the audit trail: filters (project, store, key hash,
// action, actor, result, time range), newest first, keyset paging by event
// id. The dashboard's pages and exports, the admin's security events and
// the v1 access log all read through here.
import { VaultError } from "../vault/errors";
import { EVENT_ID_PATTERN } from "./ids";
import { selectEvents } from "./repo";
import type { AuditEventView, AuditFilter, AuditPage } from "./types";

export const MAX_PAGE = 1000;

function checkCursor(cursor: string | null | undefined): string | null {
  if (cursor === undefined || cursor === null || cursor === "") return null;
  if (!EVENT_ID_PATTERN.test(cursor)) {
    throw new VaultError("INVALID_REQUEST", "cursor: not a cursor this server gave", [{ path: "cursor", message: "not a cursor this server gave" }]);
  }
  return cursor;
}

/** One page of events; nextCursor continues with older ones (null: no more). */
export async function queryAuditEvents(filter: AuditFilter, page: { cursor?: string | null; limit?: number } = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(1, page.limit ?? 50), MAX_PAGE);
  const rows = await selectEvents(filter, checkCursor(page.cursor), limit + 1);
  const events = rows.slice(0, limit);
  return { events, nextCursor: rows.length > limit ? events[events.length - 1]!.id : null };
}

/** Every matching event, newest first, a page at a time (exports). */
export async function* allAuditEvents(filter: AuditFilter, pageSize = 1000): AsyncGenerator<AuditEventView[]> {
  let cursor: string | null = null;
  for (;;) {
    const page = await queryAuditEvents(filter, { cursor, limit: Math.min(pageSize, MAX_PAGE) });
    if (page.events.length > 0) yield page.events;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
