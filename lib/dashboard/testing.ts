// For the dashboard's integration tests only: a switchable session (tests
// mock next-auth's getServerSession to read it) and an in-process caller for
// route handlers that sends what the browser sends (same Origin, JSON).
import { getDb } from "@/lib/db/client";

const state = { userId: null as string | null };

export function signInAs(userId: string | null): void {
  state.userId = userId;
}

/** The value the mocked getServerSession returns. */
export function currentSession(): { user: { id: string } } | null {
  return state.userId ? { user: { id: state.userId } } : null;
}

const ORIGIN = "http://dash.test";

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

let counter = 0;
/** An account made directly in the database (sign-up has its own tests). */
export async function makeUser(options: { admin?: boolean; email?: string } = {}) {
  counter += 1;
  return getDb().user.create({
    data: { email: options.email ?? `user${counter}-${Date.now()}@example.com`, isAdmin: options.admin ?? false },
  });
}
