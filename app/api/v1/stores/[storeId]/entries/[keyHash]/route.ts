// GET, PUT, DELETE /api/v1/stores/{storeId}/entries/{keyHash} — server key
// (GET: read; PUT, DELETE: write). DELETE takes an optional ?ifVersion=n.
import { checkValueSize, methodNotAllowed, serverKeyRoute } from "@/lib/api/server-key-route";
import { deleteQuery, entryParams, putBody } from "@/lib/api/v1-schemas";
import { VaultError } from "@/lib/vault/errors";
import { deleteEntry, getEntry, putEntry } from "@/lib/vault/entries";
import { zodDetails } from "@/lib/api/errors";

export const dynamic = "force-dynamic";

export const GET = serverKeyRoute({ params: entryParams, access: "read" }, ({ params, grant }) =>
  getEntry(grant.projectId, params.storeId, params.keyHash),
);

export const PUT = serverKeyRoute({ params: entryParams, body: putBody, access: "write" }, ({ params, body, grant }) => {
  checkValueSize(body.value);
  return putEntry(grant.projectId, params.storeId, params.keyHash, body);
});

export const DELETE = serverKeyRoute({ params: entryParams, access: "write" }, async ({ params, grant, query: search }) => {
  const query = deleteQuery.safeParse(Object.fromEntries(search()));
  if (!query.success) throw new VaultError("INVALID_REQUEST", "invalid query", zodDetails(query.error));
  await deleteEntry(grant.projectId, params.storeId, params.keyHash, query.data.ifVersion);
  return { deleted: true };
});

export const POST = methodNotAllowed(["GET", "PUT", "DELETE"]);
export const PATCH = POST;
export const OPTIONS = POST;
