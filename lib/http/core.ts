// The request core shared by every JSON route of the app: the v1 API (on
// both serving paths: Next's route handlers and the lean node:http path of
// `npm start`) and the dashboard's routes. It is framework-neutral: a
// request is a method, a raw path and query, headers and a capped body
// reader; an answer is a status, headers and a JSON text. Adapters for the
// web Request/Response pair and for node:http sit at the bottom.
import type { IncomingMessage, ServerResponse } from "node:http";
import { ZodError, type z } from "zod";
import { log } from "../log";
import { VaultError, type ErrorCode, type ErrorDetail } from "../vault/errors";
import { parseJsonBytes, readCapped, requireJsonType } from "./body";
import { PEER_HEADER } from "../net/client-address";

export { PEER_HEADER };

export const NO_STORE = { "Cache-Control": "no-store" } as const;

/** Set on every answer of the app (next.config.mjs sets the same for Next's paths). */
export const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "same-origin",
} as const;

export type HttpRequest = {
  method: string;
  /** The raw (still percent-encoded) path, without the query. */
  path: string;
  /** The raw query string without "?" ("" when none). */
  search: string;
  header(name: string): string | undefined;
  /** The body, read with a byte cap (413 past it). */
  body(max: number): Promise<Buffer>;
  /** The TCP peer when the serving path knows it. */
  peer: string | undefined;
};

export type HttpResult = { status: number; headers: Record<string, string>; body: string };

export function jsonResult(data: unknown, status = 200, headers: Record<string, string> = {}): HttpResult {
  return { status, headers: { ...NO_STORE, ...headers }, body: JSON.stringify(data) };
}

// ---------------------------------------------------------------- errors

export function errorBody(code: ErrorCode, message: string, details?: ErrorDetail[]) {
  return { error: { code, message, ...(details && details.length > 0 ? { details } : {}) } };
}

export function zodDetails(error: ZodError): ErrorDetail[] {
  return error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join(".") || "(body)", message: i.message }));
}

/**
 * The one error mapping: a VaultError keeps its code and status, a zod
 * error is a 400, anything else is a bare 500 whose message is logged
 * (without request data) and never returned.
 */
export function errorResult(error: unknown): HttpResult {
  if (error instanceof VaultError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds !== undefined) headers["Retry-After"] = String(error.retryAfterSeconds);
    if (error.allow) headers.Allow = error.allow.join(", ");
    if (error.status >= 500) log.error("request failed", { code: error.code, reason: error.message });
    return jsonResult(errorBody(error.code, error.message, error.details), error.status, headers);
  }
  if (error instanceof ZodError) {
    return jsonResult(errorBody("INVALID_REQUEST", "the request does not match the schema", zodDetails(error)), 400);
  }
  log.error("unexpected error", { kind: (error as Error)?.name ?? typeof error, reason: String((error as Error)?.message ?? "").slice(0, 300) });
  return jsonResult(errorBody("INTERNAL", "internal error"), 500);
}

// ---------------------------------------------------------------- input

/** Parses with a strict schema; a violation is 400 with the fields named. */
export function parseInput<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  // A check that is not about the shape (a value over the size limit) says
  // which status it needs; only when every issue agrees does it win.
  const statuses = new Set(r.error.issues.map((i) => (i as { params?: { code?: ErrorCode } }).params?.code ?? "INVALID_REQUEST"));
  const code = statuses.size === 1 ? [...statuses][0]! : "INVALID_REQUEST";
  const message = code === "INVALID_REQUEST" ? `invalid ${what}` : r.error.issues[0]!.message;
  throw new VaultError(code, message, zodDetails(r.error));
}

/** A JSON body: declared as JSON, under the cap, valid UTF-8 and JSON. */
export async function readJson(req: HttpRequest, max: number, messages?: { empty?: string }): Promise<unknown> {
  requireJsonType(req.header("content-type"));
  const value = parseJsonBytes(await req.body(max));
  if (value === undefined && messages?.empty !== undefined) throw new VaultError("INVALID_REQUEST", messages.empty);
  return value;
}

/** Query parameters as a plain object (the last of a repeated name wins). */
export function queryObject(search: string): Record<string, string> {
  return search === "" ? {} : Object.fromEntries(new URLSearchParams(search));
}

// ---------------------------------------------------------------- adapters

/** A web Request (Next's route handlers) as the core's request. */
export function fromWebRequest(req: Request, peer?: string): HttpRequest {
  const url = req.url;
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const q = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  const end = hash === -1 ? url.length : hash;
  return {
    method: req.method,
    path: q === -1 ? url.slice(start, end) : url.slice(start, q),
    search: q === -1 ? "" : url.slice(q + 1, end),
    header: (name) => req.headers.get(name) ?? undefined,
    body: (max) => readCapped(req.body, req.headers.get("content-length"), max),
    peer: peer ?? req.headers.get(PEER_HEADER) ?? undefined,
  };
}

export function toWebResponse(result: HttpResult): Response {
  return new Response(result.body, { status: result.status, headers: { "content-type": "application/json", ...result.headers } });
}

/** A node:http request (the lean path of `npm start`) as the core's request. */
export function fromNodeRequest(req: IncomingMessage): HttpRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  return {
    method: req.method ?? "GET",
    path: q === -1 ? url : url.slice(0, q),
    search: q === -1 ? "" : url.slice(q + 1),
    header: (name) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(", ") : v;
    },
    body: (max) => readCapped(req, req.headers["content-length"], max),
    peer: req.socket.remoteAddress,
  };
}

export function writeNodeResponse(res: ServerResponse, result: HttpResult, extraHeaders: Record<string, string> = {}): void {
  res.writeHead(result.status, {
    ...SECURITY_HEADERS,
    ...extraHeaders,
    // JSON unless the result says otherwise (the metrics' text exposition).
    "content-type": "application/json",
    ...result.headers,
    "content-length": Buffer.byteLength(result.body),
  });
  res.end(result.body);
}
