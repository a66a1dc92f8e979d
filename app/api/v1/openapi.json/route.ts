// GET /api/v1/openapi.json — no auth: the OpenAPI 3.1 document of the v1
// API. Public documentation; its value limits follow this server's config,
// so it is built at request time rather than at build time.
import { getConfig } from "@/lib/config";
import { errorResponse, NO_STORE } from "@/lib/api/errors";
import { openApiDocument } from "@/lib/api/openapi";
import { methodNotAllowed } from "@/lib/api/server-key-route";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json(openApiDocument(getConfig().VAULT_MAX_VALUE_SIZE), { headers: NO_STORE });
  } catch (error) {
    return errorResponse(error);
  }
}

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
export const OPTIONS = POST;
