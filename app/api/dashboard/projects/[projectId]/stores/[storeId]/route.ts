// GET    /api/dashboard/projects/{projectId}/stores/{storeId}?days=7|30|90 — session, member: the store, its activity per day (default 30 days) and its 10 latest audit events.
// DELETE /api/dashboard/projects/{projectId}/stores/{storeId} — session, owner: delete with its entries (body {confirmStoreId}).
import { dashboardRoute } from "@/lib/dashboard/route";
import { activityQuerySchema, DEFAULT_ACTIVITY_DAYS, deleteStoreSchema, storeParams } from "@/lib/dashboard/schemas";
import { deleteStore } from "@/lib/vault/stores";
import { VaultError } from "@/lib/vault/errors";
import { storeDetail } from "@/lib/dashboard/server-data";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({ params: storeParams, project: "member" }, async ({ req, params }) => {
  const query = activityQuerySchema.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!query.success) {
    const message = query.error.issues[0]?.message ?? "Invalid query.";
    throw new VaultError("INVALID_REQUEST", message, [{ path: "days", message }]);
  }
  return storeDetail(params.projectId, params.storeId, query.data.days ?? DEFAULT_ACTIVITY_DAYS);
});

export const DELETE = dashboardRoute(
  { params: storeParams, project: "owner", body: deleteStoreSchema },
  async ({ params, user, body }) => {
    if (body.confirmStoreId !== params.storeId) {
      throw new VaultError("INVALID_REQUEST", "Type the store id exactly to confirm.", [
        { path: "confirmStoreId", message: "Does not match the store id." },
      ]);
    }
    await deleteStore(params.projectId, params.storeId, userActor(user.id));
    return { deleted: true };
  },
);
