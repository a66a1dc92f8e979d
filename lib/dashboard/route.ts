// The one wrapper every dashboard route handler goes through: same-origin
// check (CSRF), JSON content type and size cap on mutations, session,
// project role, zod validation of params and body, error mapping and
// headers. A route file declares its options and calls one service.
import "server-only";
import { z } from "zod";
import { errorResponse } from "@/lib/api/errors";
import { VaultError } from "@/lib/vault/errors";
import { requireAdmin, requireProjectRole, requireUser, type SessionUser } from "@/lib/auth/session";
import type { Role } from "./schemas";
import { checkSameOrigin } from "./origin";

const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { "Cache-Control": "no-store" } as const;

type Auth = "none" | "user" | "admin";

type Options<P extends z.ZodType, B extends z.ZodType> = {
  /** "user" (default): any signed-in account; "admin": the instance admin; "none": public (sign-up). */
  auth?: Auth;
  /** With a projectId param: the role the caller needs in that project. */
  project?: Role;
  params?: P;
  body?: B;
};

type Context<P extends z.ZodType, B extends z.ZodType, A extends Auth> = {
  req: Request;
  params: z.infer<P>;
  body: z.infer<B>;
  user: A extends "none" ? null : SessionUser;
  role: Role | null;
};

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export function json(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: NO_STORE });
}

/** The vault's one error mapping (lib/api/errors.ts): VaultError codes, zod issues, else a bare 500. */
export const errorJson = errorResponse;

function invalid(error: z.ZodError, where: "body" | "params"): VaultError {
  const details = error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const message = where === "params" ? "Not found." : (details[0]?.message ?? "Invalid request.");
  // A malformed id in the path is a missing resource, not a bad request.
  return where === "params" ? new VaultError("NOT_FOUND", message) : new VaultError("INVALID_REQUEST", message, details);
}

async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new VaultError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
  }
  const length = Number(req.headers.get("content-length") ?? 0);
  if (length > MAX_BODY_BYTES) throw new VaultError("VALUE_TOO_LARGE", "The request body is too large.");
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw new VaultError("VALUE_TOO_LARGE", "The request body is too large.");
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new VaultError("INVALID_REQUEST", "The body is not valid JSON.");
  }
}

export function dashboardRoute<
  P extends z.ZodType = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  A extends Auth = "user",
>(options: Options<P, B> & { auth?: A }, handler: (ctx: Context<P, B, A>) => Promise<unknown>) {
  return async (req: Request, route: RouteContext): Promise<Response> => {
    try {
      checkSameOrigin(req);
      const mutation = req.method !== "GET" && req.method !== "HEAD";
      const raw = mutation ? await readJson(req) : undefined;

      const auth = options.auth ?? "user";
      let user: SessionUser | null = null;
      if (auth === "user") user = await requireUser();
      if (auth === "admin") user = await requireAdmin();

      const rawParams = route?.params ? await route.params : {};
      const params = options.params ? options.params.safeParse(rawParams) : { success: true as const, data: {} };
      if (!params.success) {
        // An invalid project id is "not found" like any project you cannot see.
        throw "projectId" in rawParams && options.project ? new VaultError("PROJECT_NOT_FOUND", "Project not found.") : invalid(params.error, "params");
      }

      let role: Role | null = null;
      if (options.project) {
        const projectId = (params.data as { projectId?: string }).projectId;
        if (!projectId || !user) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
        role = (await requireProjectRole(projectId, options.project, user)).role;
      }

      let body: unknown = undefined;
      if (options.body) {
        const parsed = options.body.safeParse(raw);
        if (!parsed.success) throw invalid(parsed.error, "body");
        body = parsed.data;
      }

      const result = await handler({
        req,
        params: params.data as z.infer<P>,
        body: body as z.infer<B>,
        user: user as Context<P, B, A>["user"],
        role,
      });
      if (result instanceof Response) return result;
      return json(result ?? { ok: true }, req.method === "POST" ? 201 : 200);
    } catch (error) {
      return errorJson(error);
    }
  };
}
