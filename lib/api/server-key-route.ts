import "server-only";
// The one wrapper every v1 route handler goes through: server-key auth,
// rate limit, params, scope, body cap, JSON parsing, schema validation,
// error mapping and headers. A route file declares; it does not implement.
import { z } from "zod";
import { getConfig } from "../config";
import { authenticate, authorize, type ServerKeyGrant } from "../server-keys/authenticate";
import { VaultError } from "../vault/errors";
import { readJsonBody } from "./body";
import { errorBody, errorResponse, NO_STORE, zodDetails } from "./errors";
import { takeToken } from "./rate-limit";

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

export type Handler<P, B> = (ctx: { params: P; body: B; grant: ServerKeyGrant; query: () => URLSearchParams }) => Promise<unknown>;

/** Bodies may carry one value of up to VAULT_MAX_VALUE_SIZE plus room for JSON. */
export function maxBodyBytes(): number {
  return getConfig().VAULT_MAX_VALUE_SIZE + 64 * 1024;
}

function parseOr400<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new VaultError("INVALID_REQUEST", `invalid ${what}`, zodDetails(r.error));
  return r.data;
}

export function serverKeyRoute<P extends { storeId: string }, B = undefined>(
  spec: { params: z.ZodType<P>; body?: z.ZodType<B>; access: "read" | "write" },
  handler: Handler<P, B>,
) {
  return async (req: Request, ctx: RouteContext): Promise<Response> => {
    try {
      const grant = await authenticate(req.headers.get("authorization"));
      takeToken(grant.keyId);
      const params = parseOr400(spec.params, await ctx.params, "path");
      authorize(grant, params.storeId, spec.access);
      const body = spec.body ? parseOr400(spec.body, await readJsonBody(req, maxBodyBytes()), "body") : (undefined as B);
      const result = await handler({ params, body, grant, query: () => new URL(req.url).searchParams });
      return Response.json(result, { status: 200, headers: NO_STORE });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** For the methods a path does not have: the contract's error shape, no CORS. */
export function methodNotAllowed(allowed: string[]) {
  return async () =>
    Response.json(errorBody("METHOD_NOT_ALLOWED", `allowed methods: ${allowed.join(", ")}`), {
      status: 405,
      headers: { ...NO_STORE, Allow: allowed.join(", ") },
    });
}

export function checkValueSize(value: string, path = "value"): void {
  const max = getConfig().VAULT_MAX_VALUE_SIZE;
  if (value.length > max) {
    throw new VaultError("VALUE_TOO_LARGE", `${path} is over the limit of ${max} characters`, [{ path, message: `At most ${max} characters.` }]);
  }
}
