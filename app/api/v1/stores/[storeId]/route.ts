// GET /api/v1/stores/{storeId} — server key (read). The store's info.
import { methodNotAllowed, serverKeyRoute } from "@/lib/api/server-key-route";
import { storeParams } from "@/lib/api/v1-schemas";
import { getStore } from "@/lib/vault/stores";

export const dynamic = "force-dynamic";

export const GET = serverKeyRoute({ params: storeParams, access: "read" }, async ({ params, grant }) => {
  const store = await getStore(grant.projectId, params.storeId);
  return { id: store.id, displayName: store.displayName, entryCount: store.entryCount, createdAt: store.createdAt };
});

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
export const OPTIONS = POST;
