// The one wrapper every dashboard route handler goes through: same-origin
// check (CSRF), session, JSON content type and a streaming size cap on
// mutations (the request core, lib/http), project role, zod validation of params and body, error mapping and
// headers. A route file declares its options and calls one service.
import "server-only";
import { z } from "zod";
import { errorResult, fromWebRequest, jsonResult, toWebResponse } from "@/lib/http/core";
import { parseJsonBytes, requireJsonType } from "@/lib/http/body";
import { findMalformed, NOT_WELL_FORMED } from "@/lib/well-formed";
import { VaultError } from "@/lib/vault/errors";
import { requireAdmin, requireProjectRole, requireUser, type SessionUser } from "@/lib/auth/session";
import type { Role } from "./schemas";
import { checkSameOrigin } from "./origin";

/** Dashboard bodies are small forms. */
export const MAX_BODY_BYTES = 64 * 1024;

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

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

export function json(data: unknown, status = 200): Response {
  return toWebResponse(jsonResult(data, status));
}

/** The one error mapping of the app (lib/http/core.ts). */
export const errorJson = (error: unknown): Response => toWebResponse(errorResult(error));

function invalid(error: z.ZodError, where: "body" | "params"): VaultError {
  const details = error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
  const message = where === "params" ? "Not found." : (details[0]?.message ?? "Invalid request.");
  // A malformed id in the path is a missing resource, not a bad request.
  return where === "params" ? new VaultError("NOT_FOUND", message) : new VaultError("INVALID_REQUEST", message, details);
}

/** A mutation's JSON body through the request core: streamed with a cap, then parsed. */
async function readMutationBody(req: Request): Promise<unknown> {
  const core = fromWebRequest(req);
  requireJsonType(core.header("content-type"), "Send the body as application/json.");
  const value = parseJsonBytes(await core.body(MAX_BODY_BYTES), { utf8: "The body is not valid UTF-8.", json: "The body is not valid JSON." });
  // A lone surrogate would be stored as U+FFFD, changing what was typed.
  const malformed = findMalformed(value);
  if (malformed !== null) throw new VaultError("INVALID_REQUEST", `${malformed}: ${NOT_WELL_FORMED}.`, [{ path: malformed, message: NOT_WELL_FORMED }]);
  return value ?? {};
}

export function dashboardRoute<
  P extends z.ZodType = z.ZodObject<Record<string, never>>,
  B extends z.ZodType = z.ZodUndefined,
  A extends Auth = "user",
>(options: Options<P, B> & { auth?: A }, handler: (ctx: Context<P, B, A>) => Promise<unknown>) {
  return async (req: Request, route: RouteContext): Promise<Response> => {
    try {
      checkSameOrigin(req);
      // Who is asking comes before the body: an anonymous upload to a
      // route that needs a session costs nothing but this check.
      const auth = options.auth ?? "user";
      let user: SessionUser | null = null;
      if (auth === "user") user = await requireUser();
      if (auth === "admin") user = await requireAdmin();

      const mutation = req.method !== "GET" && req.method !== "HEAD";
      const raw = mutation ? await readMutationBody(req) : undefined;

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
