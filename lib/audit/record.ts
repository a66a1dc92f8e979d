import "server-only";
// The one way an audit event is recorded.
//
// With a transaction (every admin action: project, member, store, server
// key, master key, account), the event is written in it, so it commits or
// rolls back with the change. Without one (the v1 API's entry access), it
// goes to the bounded queue (writer.ts) and is written in a batch a moment
// later, off the request path; under VAULT_AUDIT=required the returned
// promise settles only once the event is committed, and rejects when it
// cannot be. Events never carry a value, a logical key, a secret or a token.
import { isPostgres, type Tx } from "../db/client";
import { getConfig } from "../config";
import { processSingleton } from "../singleton";
import { AUDIT_ACTIONS, type AuditAction, type AuditResult } from "./actions";
import { actorIdOf, type Actor } from "./actor";
import { newEventId } from "./ids";
import { insertEvents, insertInTransaction, type AuditRow } from "./repo";
import { AuditWriter, type WriterStats } from "./writer";

export type AuditEventInput = {
  action: AuditAction;
  actor: Actor;
  projectId?: string | null;
  storeId?: string | null;
  keyHash?: string | null;
  /** What an admin action acted on: a store id, a server key id, a member. Never a secret. */
  target?: string | null;
  result?: AuditResult;
  status?: number | null;
  /** The v1 operation id. */
  operation?: string | null;
  clientAddress?: string | null;
  requestId?: string | null;
  /** Security events: a few flat, non-secret facts; a key that looks like a secret is refused. */
  detail?: Record<string, string | number | boolean | null>;
  /** Default: now. */
  at?: Date;
};

export type AuditMode = "on" | "required" | "off";

const DONE: Promise<void> = Promise.resolve();

export function auditMode(): AuditMode {
  return getConfig().VAULT_AUDIT;
}

export function auditWriter(): AuditWriter {
  return processSingleton(
    "auditWriter",
    () =>
      new AuditWriter({
        capacity: getConfig().VAULT_AUDIT_QUEUE_SIZE,
        // SQLite writes a batch synchronously, holding the event loop: small
        // batches keep that pause short (a request's p99), PostgreSQL's are
        // written off the loop.
        batchSize: isPostgres() ? 500 : 100,
        // Fail-closed requests wait for their batch: write at once.
        flushDelayMs: auditMode() === "required" ? 0 : 200,
        attempts: 3,
        retryDelayMs: 200,
        write: insertEvents,
      }),
  );
}

const SECRET_LOOKING = /pass|token|secret|hash|key|cookie/i;

function detailText(detail: AuditEventInput["detail"]): string | null {
  if (!detail) return null;
  for (const key of Object.keys(detail)) {
    // A programming error, caught by the tests: never store such a field.
    if (SECRET_LOOKING.test(key)) throw new Error(`audit event detail "${key}" looks like a secret`);
  }
  return JSON.stringify(detail).slice(0, 1000);
}

export function toRow(e: AuditEventInput): AuditRow {
  const at = e.at ?? new Date();
  return {
    id: newEventId(at),
    createdAt: at,
    action: e.action,
    result: e.result ?? "ok",
    status: e.status ?? null,
    actorType: e.actor.type,
    actorId: actorIdOf(e.actor),
    projectId: e.projectId ?? null,
    storeId: e.storeId ?? null,
    keyHash: e.keyHash ?? null,
    operation: e.operation ?? null,
    target: e.target ?? null,
    clientAddress: e.clientAddress ?? null,
    requestId: e.requestId ?? null,
    detail: detailText(e.detail),
  };
}

/**
 * Records one event: in `tx` when given (admin actions), else through the
 * queue (entry access, which VAULT_AUDIT=off turns off; and events with no
 * transaction to join, such as a failed sign-in). The promise of a queued
 * event resolves at once unless VAULT_AUDIT=required.
 */
export function recordAuditEvent(event: AuditEventInput, options: { tx?: Tx } = {}): Promise<void> {
  if (options.tx) return insertInTransaction(options.tx, toRow(event));
  const mode = auditMode();
  // "off" turns off entry access events only; others (a sign-in recorded
  // outside a transaction, say) are still queued.
  if (mode === "off" && AUDIT_ACTIONS[event.action].group === "access") return DONE;
  return auditWriter().enqueue(toRow(event), mode === "required") ?? DONE;
}

/** Queue depth, drops, writes: for the metrics and the admin page. */
export function auditStats(): WriterStats & { mode: AuditMode; retentionDays: number } {
  const { VAULT_AUDIT_RETENTION_DAYS: retentionDays } = getConfig();
  return { ...auditWriter().stats(), mode: auditMode(), retentionDays };
}

/** Writes what is queued (at shutdown, and in tests). */
export function drainAuditQueue(): Promise<void> {
  return auditWriter().drain();
}

/** Tests: a new writer with the current configuration (after the queue is written). */
export async function resetAuditWriterForTests(): Promise<void> {
  const g = globalThis as unknown as Record<string, AuditWriter | undefined>;
  await g.__dataVault_auditWriter?.drain();
  delete g.__dataVault_auditWriter;
}
