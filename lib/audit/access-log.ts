import "server-only";
// An entry's access log for the v1 API (GET .../entries/{keyHash}/access-log):
// the events of the requests that named this key hash in this store of the
// caller's project, newest first. The caller computed the key hash itself
// (the SDK, from the app's secret and the logical key): the vault can only
// answer "who touched this entry" for someone who already holds both.
// A store deleted since keeps its history (until retention removes it).
import { queryAuditEvents } from "./query";
import type { AuditEventView } from "./types";

export type AccessEvent = {
  at: string;
  action: string;
  operation: string;
  result: string;
  status: number | null;
  serverKeyId: string | null;
  clientAddress: string | null;
  requestId: string | null;
};

function toAccessEvent(e: AuditEventView): AccessEvent {
  return {
    at: e.at,
    action: e.action,
    operation: e.operation ?? "",
    result: e.result,
    status: e.status,
    serverKeyId: e.actorType === "server_key" ? e.actorId : null,
    clientAddress: e.clientAddress,
    requestId: e.requestId,
  };
}

export async function getEntryAccessLog(
  projectId: string,
  storeId: string,
  keyHash: string,
  query: { since?: Date; limit?: number; cursor?: string },
): Promise<{ events: AccessEvent[]; nextCursor: string | null }> {
  const page = await queryAuditEvents({ projectId, storeId, keyHash, since: query.since }, { cursor: query.cursor, limit: query.limit ?? 100 });
  return { events: page.events.map(toAccessEvent), nextCursor: page.nextCursor };
}
