import "server-only";
// The one observer of the v1 pipeline (dispatch.ts calls it once per
// request, whichever serving path): the request's count and latency for
// the metrics, and its audit events. Events carry the project, store, key
// hash, action, result, status, server key id, client address, request id
// and time; never the body, a value, the Authorization header or anything
// derived from a token.
import { auditMode, recordAuditEvent } from "../audit/record";
import type { AuditResult } from "../audit/actions";
import { ANONYMOUS, serverKeyActor } from "../audit/actor";
import { observeHttp } from "../metrics/metrics";
import type { ServerKeyGrant } from "../server-keys/authenticate";
import type { ErrorCode } from "../vault/errors";
import type { Operation } from "./operation";

export type RequestOutcome = {
  /** Null when no operation matched (unknown path, wrong method). */
  op: Operation | null;
  status: number;
  /** The error code of a non-2xx answer. */
  code: ErrorCode | null;
  grant: ServerKeyGrant | null;
  /** The path's parameters as matched (not yet validated). */
  rawParams: Record<string, string> | null;
  /** The path's parameters as validated, when the request got that far. */
  params?: Record<string, string>;
  /** The validated body, when the request got that far. */
  body: unknown;
  /** The handler's answer, on success. */
  data: unknown;
  at: Date;
  seconds: number;
  clientAddress: string;
  requestId: string;
};

/** What an answer means for the entry, in the audit trail's terms. */
export function resultOf(status: number, code: ErrorCode | null): AuditResult {
  if (status < 400) return "ok";
  switch (code) {
    case "ENTRY_NOT_FOUND":
      return "miss";
    case "STORE_NOT_FOUND":
      return "not_found";
    case "UNAUTHENTICATED":
    case "FORBIDDEN":
      return "denied";
    case "RATE_LIMITED":
      return "rate_limited";
    case "VERSION_CONFLICT":
      return "conflict";
    case "VALUE_TOO_LARGE":
    case "RESPONSE_TOO_LARGE":
      return "too_large";
    case "INVALID_REQUEST":
    case "UNSUPPORTED_MEDIA_TYPE":
      return "invalid";
    default:
      return status >= 500 ? "error" : "invalid";
  }
}

/**
 * Records one request. Returns a promise only when the request must wait
 * for its events (VAULT_AUDIT=required); it rejects when they cannot be
 * written.
 */
export function observeRequest(o: RequestOutcome): Promise<void> | null {
  const operation = o.op?.id ?? "unmatched";
  const waiting = audit(o);
  if (!waiting) {
    observeHttp(operation, o.status, o.seconds);
    return null;
  }
  // Counted with the status the client gets: 503 when the events failed.
  return waiting.then(
    () => observeHttp(operation, o.status, o.seconds),
    (error: unknown) => {
      observeHttp(operation, 503, o.seconds);
      throw error;
    },
  );
}

function audit(o: RequestOutcome): Promise<void> | null {
  const spec = o.op?.audit;
  if (!o.op || !spec) return null;

  // Only validated ids are stored: a malformed path records none. A request
  // refused before its parameters were validated (401, say) has them
  // validated here.
  const params = o.params ?? validParams(o.op, o.rawParams);
  const keys = params ? spec.keys?.({ params, body: o.body }) : undefined;
  const result = resultOf(o.status, o.code);
  const base = {
    action: spec.action,
    actor: o.grant ? serverKeyActor(o.grant.keyId) : ANONYMOUS,
    projectId: o.grant?.projectId ?? null,
    storeId: params?.storeId ?? null,
    status: o.status,
    operation: o.op.id,
    clientAddress: o.clientAddress,
    requestId: o.requestId,
    at: o.at,
  };
  const missed = result === "ok" && spec.missed ? spec.missed : null;
  const recorded = !keys || keys.length === 0 ? [recordAuditEvent({ ...base, result })] : keys.map((keyHash) => recordAuditEvent({ ...base, keyHash, result: missed?.(o.data, keyHash) ? "miss" : result }));
  // A request already refused for want of an audit log does not wait for its own refusal's event.
  return settle(recorded, o.code !== "UNAVAILABLE");
}

function validParams(op: Operation, raw: Record<string, string> | null): Record<string, string> | undefined {
  const parsed = op.params?.safeParse(raw ?? {});
  return parsed?.success ? (parsed.data as Record<string, string>) : undefined;
}

function settle(all: Promise<void>[], wait: boolean): Promise<void> | null {
  // Best effort: the events are queued; the answer does not wait.
  if (auditMode() !== "required") return null;
  if (!wait) {
    for (const p of all) p.catch(() => undefined);
    return null;
  }
  return all.length === 1 ? all[0]! : Promise.all(all).then(() => undefined);
}
