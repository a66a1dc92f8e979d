// Maps any thrown error to the contract's error shape. Unknown errors become
// a bare 500: their message may hold internals, so it is logged (without
// request data) and never returned.
import { ZodError } from "zod";
import { log } from "../log";
import { VaultError, type ErrorCode, type ErrorDetail } from "../vault/errors";

export const NO_STORE = { "Cache-Control": "no-store" } as const;

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } };
}

export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
}

export function errorResponse(error: unknown): Response {
  if (error instanceof VaultError) {
    const headers: Record<string, string> = { ...NO_STORE };
    if (error.retryAfterSeconds !== undefined) headers["Retry-After"] = String(error.retryAfterSeconds);
    if (error.status >= 500) log.error("request failed", { code: error.code, reason: error.message });
    return Response.json(errorBody(error.code, error.message, error.details), { status: error.status, headers });
  }
  if (error instanceof ZodError) {
    return Response.json(errorBody("INVALID_REQUEST", "the request does not match the schema", zodDetails(error)), {
      status: 400,
      headers: NO_STORE,
    });
  }
  log.error("unexpected error", { kind: (error as Error)?.name ?? typeof error, reason: String((error as Error)?.message ?? "").slice(0, 300) });
  return Response.json(errorBody("INTERNAL", "internal error"), { status: 500, headers: NO_STORE });
}
