import "server-only";
// Runs a v1 request through the operation table: route, method, server-key
// auth (with the unauthenticated throttle), rate limit, params, store scope,
// query, body cap, JSON, validation, the handler, the answer. Both serving
// paths call handleV1: Next's route files (route.ts) and the lean node:http
// path of `npm start` (server/), so they answer alike byte for byte.
import { randomUUID } from "node:crypto";
import { ZodError } from "zod";
import { getConfig } from "../config";
import { auditMode, auditWriter } from "../audit/record";
import { errorBody, errorResult, jsonResult, parseInput, queryObject, readJson, type HttpRequest, type HttpResult } from "../http/core";
import { clientAddressFrom } from "../net/client-address";
import { authenticate, authorize, type ServerKeyGrant } from "../server-keys/authenticate";
import { VaultError, type ErrorCode } from "../vault/errors";
import { processSingleton } from "../singleton";
import { Reply, type Operation } from "./operation";
import { operations } from "./operations";
import { observeRequest } from "./observe";
import { takeToken } from "./rate-limit";

/** Bodies may carry one value of up to VAULT_MAX_VALUE_SIZE plus room for JSON. */
export function maxBodyBytes(): number {
  return getConfig().VAULT_MAX_VALUE_SIZE + 64 * 1024;
}

type Route = { template: string; pattern: RegExp; names: string[]; byMethod: Map<string, Operation> };

/** The table as routes: one per path template, its operations by method. */
function compile(ops: readonly Operation[]): Route[] {
  const routes = new Map<string, Route>();
  for (const op of ops) {
    let route = routes.get(op.path);
    if (!route) {
      const names: string[] = [];
      const source = op.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{(\w+)\\?\}|\{(\w+)\}/g, (_m, a: string, b: string) => {
        names.push(a ?? b);
        return "([^/]+)";
      });
      route = { template: op.path, pattern: new RegExp(`^${source}$`), names, byMethod: new Map() };
      routes.set(op.path, route);
    }
    if (route.byMethod.has(op.method)) throw new Error(`two operations for ${op.method} ${op.path}`);
    route.byMethod.set(op.method, op);
  }
  // Literal segments win over parameters (batch-get is not a key hash).
  return [...routes.values()].sort((a, b) => a.names.length - b.names.length);
}

const routes = compile(operations);

export type Match = { route: Route; params: Record<string, string> };

/** The route a raw path belongs to, with its decoded parameters; null if none. */
export function matchRoute(path: string): Match | null {
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(m[i + 1]!);
      } catch {
        throw new VaultError("INVALID_REQUEST", "the path has a malformed percent-encoding");
      }
    });
    return { route, params };
  }
  return null;
}

/** The paths the table serves (the Next route files must be exactly these). */
export function routeTemplates(): string[] {
  return routes.map((r) => r.template);
}

function methodNotAllowed(route: Route): VaultError {
  // In the table's order (GET, PUT, DELETE), as the Allow header always was.
  const allowed = [...route.byMethod.keys()];
  const error = new VaultError("METHOD_NOT_ALLOWED", `allowed methods: ${allowed.join(", ")}`);
  error.allow = allowed;
  return error;
}

/** What the pipeline learned about a request, for the observer. */
type Progress = { grant: ServerKeyGrant | null; params: Record<string, string> | undefined; body: unknown; data: unknown };

/**
 * Under VAULT_AUDIT=required, once the audit log could not be written, a
 * request is refused before it does anything (its refusal is queued, which
 * also tries the log again), until a batch is written.
 */
function requireAuditLog(): void {
  if (auditMode() === "required" && !auditWriter().isHealthy()) throw auditUnavailable();
}

const auditUnavailable = () =>
  new VaultError("UNAVAILABLE", "the audit log cannot be written, and this server records every request before answering (VAULT_AUDIT=required); retry later", undefined, 1);

async function run(op: Operation, req: HttpRequest, rawParams: Record<string, string>, progress: Progress, address: string): Promise<HttpResult> {
  let grant: ServerKeyGrant | null = null;
  if (op.access !== "public") {
    grant = await authenticate(req.header("authorization") ?? null, address);
    progress.grant = grant;
    takeToken(grant.keyId);
  }
  let params = {};
  if (op.params) params = progress.params = parseInput(op.params, rawParams, "path") as Record<string, string>;
  if (grant) authorize(grant, (params as { storeId: string }).storeId, op.access as "read" | "write" | "audit");
  if (op.audit) requireAuditLog();
  const query = op.query ? parseInput(op.query, queryObject(req.search), "query") : {};
  const body = op.body ? parseInput(op.body, await readJson(req, maxBodyBytes(), { empty: "the body is empty; JSON expected" }), "body") : undefined;
  progress.body = body;
  const result = await op.handler({ params, query, body, grant });
  if (result instanceof Reply) return jsonResult(result.data, result.status);
  progress.data = result;
  return jsonResult(result);
}

const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The caller's X-Request-Id when it is a plain token (a proxy's), else a new one. */
function requestIdOf(req: HttpRequest): string {
  const given = req.header("x-request-id");
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
}

function codeOf(error: unknown): ErrorCode {
  if (error instanceof VaultError) return error.code;
  if (error instanceof ZodError) return "INVALID_REQUEST";
  return "INTERNAL";
}

/**
 * Any request under /api/v1 (and /api/health): the contract's answer, with
 * an X-Request-Id header. Every request is observed once (observe.ts):
 * counted in the metrics and, for server-key operations, audited.
 * `known` is matchRoute(req.path) when the caller already matched it (the
 * lean path, to choose between itself and Next); otherwise it is matched here.
 */
export async function handleV1(req: HttpRequest, known?: Match | null): Promise<HttpResult> {
  const at = new Date();
  const started = performance.now();
  const requestId = requestIdOf(req);
  const address = clientAddressFrom(req.peer, req.header("x-forwarded-for"));
  const progress: Progress = { grant: null, params: undefined, body: undefined, data: undefined };
  let op: Operation | null = null;
  let rawParams: Record<string, string> | null = null;
  let result: HttpResult;
  let code: ErrorCode | null = null;
  try {
    const match = known !== undefined ? known : matchRoute(req.path);
    if (!match) {
      code = "NOT_FOUND";
      result = jsonResult(errorBody("NOT_FOUND", "no such API path"), 404);
    } else {
      // HEAD answers wherever GET does (node:http and Next drop the body).
      const found = match.route.byMethod.get(req.method) ?? (req.method === "HEAD" ? match.route.byMethod.get("GET") : undefined);
      if (!found) throw methodNotAllowed(match.route);
      op = found;
      rawParams = match.params;
      result = await run(op, req, match.params, progress, address);
    }
  } catch (error) {
    if (error instanceof VaultError && error.delayMs) await hold(error.delayMs);
    code = codeOf(error);
    result = errorResult(error);
  }
  const waiting = observeRequest({
    op,
    status: result.status,
    code,
    grant: progress.grant,
    rawParams,
    params: progress.params,
    body: progress.body,
    data: progress.data,
    at,
    seconds: (performance.now() - started) / 1000,
    clientAddress: address,
    requestId,
  });
  if (waiting) {
    try {
      await waiting;
    } catch {
      result = errorResult(auditUnavailable());
    }
  }
  result.headers["X-Request-Id"] = requestId;
  return result;
}

/** At most this many answers are held at once (each costs a timer and an open request). */
const MAX_HELD = 2_000;
const held = () => processSingleton("heldAnswers", () => ({ count: 0 }));

async function hold(ms: number): Promise<void> {
  const state = held();
  if (state.count >= MAX_HELD) return;
  state.count++;
  try {
    await new Promise((r) => setTimeout(r, ms));
  } finally {
    state.count--;
  }
}
