// For the dashboard's integration tests only: a switchable session (tests
// mock next-auth's getServerSession to read it) and an in-process caller for
// route handlers that sends what the browser sends (same Origin, JSON).
import { AsyncLocalStorage } from "node:async_hooks";
import { getDb } from "@/lib/db/client";
import { resolveSession, startSession } from "@/lib/auth/sessions";

const ORIGIN = "http://dash.test";
// The dashboard's public URL in these tests: the Host and Origin `call` sends.
process.env.PUBLIC_URL ??= ORIGIN;

type Who = { userId: string | null; token: string | null };
const state: Who = { userId: null, token: null };
// callAs: a session for one call, so concurrent calls can act as different users.
const perCall = new AsyncLocalStorage<Who>();

/** Acts as this account (a plain session, as if signed in), or as nobody. */
export function signInAs(userId: string | null): void {
  state.userId = userId;
  state.token = null;
}

/** Signs in for real: a server-side session, as next-auth's jwt callback makes; returns its token. */
export async function startTestSession(userId: string, address = "192.0.2.50"): Promise<string> {
  const token = await startSession(userId, { method: "password", address, userAgent: "vitest" });
  actWithSessionToken(token);
  return token;
}

/** Acts through a real session's token: revoked or expired means signed out. */
export function actWithSessionToken(token: string): void {
  state.userId = null;
  state.token = token;
}

/**
 * The value the mocked getServerSession returns: the shape of
 * lib/auth/options.ts's session callback, from the same checks (a disabled
 * account has no session).
 */
export async function currentSession() {
  const who = perCall.getStore() ?? state;
  if (who.token) {
    const resolved = await resolveSession(who.token);
    return resolved ? { user: { ...resolved.user, sessionId: resolved.sessionId }, expires: "" } : null;
  }
  if (!who.userId) return null;
  const user = await getDb().user.findUnique({ where: { id: who.userId } });
  if (!user || user.disabledAt) return null;
  return { user: { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin, sessionId: null }, expires: "" };
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string | string[] | undefined>> }) => Promise<Response>;

export async function call(
  handler: Handler,
  options: {
    method?: string;
    params?: Record<string, string>;
    body?: unknown;
    headers?: Record<string, string>;
    path?: string;
  } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
): Promise<{ status: number; body: any; headers: Headers }> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { host: "dash.test", ...(method === "GET" ? {} : { origin: ORIGIN, "content-type": "application/json" }), ...options.headers };
  for (const [k, v] of Object.entries(headers)) if (v === "") delete headers[k];
  const req = new Request(`${ORIGIN}${options.path ?? "/api/dashboard/test"}`, {
    method,
    headers,
    body: method === "GET" ? undefined : options.body === undefined ? "{}" : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
  });
  const res = await handler(req, { params: Promise.resolve(options.params ?? {}) });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body, headers: res.headers };
}

/** `call` acting as this account (or through this session token) for this call only. */
export function callAs(who: { userId?: string; token?: string }, ...args: Parameters<typeof call>): ReturnType<typeof call> {
  return perCall.run({ userId: who.userId ?? null, token: who.token ?? null }, () => call(...args));
}

let counter = 0;
/** An account made directly in the database (sign-up has its own tests). */
export async function makeUser(options: { admin?: boolean; email?: string } = {}) {
  counter += 1;
  return getDb().user.create({
    data: { email: options.email ?? `user${counter}-${Date.now()}@example.com`, isAdmin: options.admin ?? false },
  });
}

/** A membership made directly in the database (invitations have their own tests). */
export async function addMembership(projectId: string, userId: string, role: "owner" | "member" = "member") {
  return getDb().projectMember.create({ data: { projectId, userId, role } });
}
