// POST /api/v1/stores/{storeId}/entries/batch-get — server key (read).
import { methodNotAllowed, serverKeyRoute } from "@/lib/api/server-key-route";
import { batchGetBody, storeParams } from "@/lib/api/v1-schemas";
import { batchGet } from "@/lib/vault/entries";

export const dynamic = "force-dynamic";

export const POST = serverKeyRoute({ params: storeParams, body: batchGetBody, access: "read" }, async ({ params, body, grant }) => ({
  entries: await batchGet(grant.projectId, params.storeId, body.keys),
}));

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
export const OPTIONS = GET;
