// What one v1 operation is: everything the serving paths, the validation,
// the OpenAPI document and the contract tests need, declared once in
// operations.ts. Nothing here runs a request (that is dispatch.ts).
import type { z } from "zod";
import { errorStatus, type ErrorCode } from "../vault/errors";
import type { ServerKeyGrant } from "../server-keys/authenticate";
import type { AuditAction } from "../audit/actions";

export type Method = "GET" | "PUT" | "POST" | "DELETE";

/**
 * "read" / "write": a server key allowed on the path's store (and not
 * read-only for "write"); "audit": allowed on the store and holding the
 * audit permission (access logs); "public": no key (health, the document).
 */
export type Access = "read" | "write" | "audit" | "public";

/**
 * How a request to an operation is audited (lib/audit): its action, and the
 * key hashes it names, one event each (none: one event without a key
 * hash). Keys come from validated input only; when the request fails before
 * its input is valid, the event carries none.
 */
export type AuditSpec<P, B> = {
  action: AuditAction;
  keys?: (input: { params: P; body: B | undefined }) => readonly string[] | undefined;
  /** For a 200 answer: whether a key was a miss (batch-get's nulls). */
  missed?: (data: unknown, key: string) => boolean;
};

type AnyObject = z.ZodObject<z.ZodRawShape>;

export type HandlerContext<P, Q, B> = {
  params: P;
  query: Q;
  body: B;
  /** Null only on public operations. */
  grant: ServerKeyGrant | null;
};

/** A handler's answer with a status other than 200 (health's 503). */
export class Reply {
  constructor(
    readonly status: number,
    readonly data: unknown,
  ) {}
}

export type Operation<P extends AnyObject = AnyObject, Q extends AnyObject = AnyObject, B extends z.ZodType = z.ZodType> = {
  /** OpenAPI operationId, and the name metrics and logs use. */
  id: string;
  method: Method;
  /** OpenAPI path template: /api/v1/stores/{storeId}. */
  path: string;
  access: Access;
  tag: "stores" | "entries" | "leases" | "audit" | "meta";
  summary: string;
  description: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The body's example in the document. */
  bodyExample?: unknown;
  /** The 200 answer (and any other success status a handler may Reply with). */
  responses: Partial<Record<200 | 503, { description: string; schema: z.ZodType; example?: unknown }>>;
  /**
   * The error codes particular to this operation. The ones every operation
   * of its kind can give (401, 403, 429, 400 for bad params, 413/415 for a
   * body, 500) are added from access and body (errorCodesOf).
   */
  errors: ErrorCode[];
  /** Calls one service; returns the 200 body, or a Reply. */
  handler: (ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>) => unknown;
  /** Every server-key operation is audited; public ones are not. */
  audit?: AuditSpec<z.output<P>, z.output<B>>;
};

/** Declares an operation with its types inferred from its schemas. */
export function defineOperation<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(op: Operation<P, Q, B>): Operation {
  return op as unknown as Operation;
}

/** Every error code an operation can answer with, from its declaration. */
export function errorCodesOf(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>(op.errors);
  if (op.access !== "public") ["INVALID_REQUEST", "UNAUTHENTICATED", "FORBIDDEN", "RATE_LIMITED"].forEach((c) => codes.add(c as ErrorCode));
  if (op.params || op.query) codes.add("INVALID_REQUEST");
  if (op.body) ["INVALID_REQUEST", "VALUE_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE"].forEach((c) => codes.add(c as ErrorCode));
  if (op.access !== "public") codes.add("INTERNAL");
  // VAULT_AUDIT=required: a request whose events cannot be written.
  if (op.audit) codes.add("UNAVAILABLE");
  // In the order of the error table, so the document is stable.
  return (Object.keys(errorStatus) as ErrorCode[]).filter((c) => codes.has(c));
}
