// The audit trail's row and filter shapes. Client-safe (type-only use in the
// dashboard).
import type { AuditAction, AuditResult } from "./actions";
import type { ActorType } from "./actor";

/** One stored event, as the read path returns it (and the exports write it). */
export type AuditEventView = {
  id: string;
  /** ISO-8601, UTC. */
  at: string;
  action: string;
  result: string;
  /** The HTTP status, for v1 API events. */
  status: number | null;
  actorType: string;
  actorId: string | null;
  projectId: string | null;
  storeId: string | null;
  /** The key hash a v1 request named (never the logical key). */
  keyHash: string | null;
  /** The v1 operation id (getEntry, batchGetEntries, ...). */
  operation: string | null;
  /** What an admin action acted on (a store id, a server key id, a member). */
  target: string | null;
  clientAddress: string | null;
  requestId: string | null;
  /** Security events: a few non-secret facts (the sign-in method, the role given). */
  detail: Record<string, unknown> | null;
};

/** What the read path filters on; every field is optional and they combine with AND. */
export type AuditFilter = {
  /** A project's events; null: events of no project (unauthenticated requests, instance events); absent: all. */
  projectId?: string | null;
  storeId?: string;
  keyHash?: string;
  /** One action, or any of several (the admin page's security group). */
  actions?: readonly AuditAction[];
  actorType?: ActorType;
  /** A user id, a server key id, "cli", a job name. */
  actorId?: string;
  result?: AuditResult;
  /** From this time on (inclusive). */
  since?: Date;
  /** Before this time (exclusive). */
  until?: Date;
};

export type AuditPage = { events: AuditEventView[]; nextCursor: string | null };
