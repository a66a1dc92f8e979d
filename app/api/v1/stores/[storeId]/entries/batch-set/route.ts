// POST /api/v1/stores/{storeId}/entries/batch-set — server key (write).
// Atomic: every entry is written, or none.
import { checkValueSize, methodNotAllowed, serverKeyRoute } from "@/lib/api/server-key-route";
import { batchSetBody, storeParams } from "@/lib/api/v1-schemas";
import { batchSet } from "@/lib/vault/entries";

export const dynamic = "force-dynamic";

export const POST = serverKeyRoute({ params: storeParams, body: batchSetBody, access: "write" }, async ({ params, body, grant }) => {
  body.entries.forEach((e, i) => checkValueSize(e.value, `entries.${i}.value`));
  return { versions: await batchSet(grant.projectId, params.storeId, body.entries) };
});

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
export const OPTIONS = GET;
