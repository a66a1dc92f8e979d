// GET    /api/dashboard/projects/{projectId}/stores/{storeId} — session, member: the store and its 30-day activity.
// DELETE /api/dashboard/projects/{projectId}/stores/{storeId} — session, owner: delete with its entries (body {confirmStoreId}).
import { dashboardRoute } from "@/lib/dashboard/route";
import { deleteStoreSchema, storeParams } from "@/lib/dashboard/schemas";
import { deleteStore, getStore, getStoreActivity } from "@/lib/vault/stores";
import { VaultError } from "@/lib/vault/errors";

export const GET = dashboardRoute({ params: storeParams, project: "member" }, async ({ params }) => {
  const store = await getStore(params.projectId, params.storeId);
  const activity = await getStoreActivity(params.projectId, params.storeId, 30);
  return { store, activity };
});

export const DELETE = dashboardRoute(
  { params: storeParams, project: "owner", body: deleteStoreSchema },
  async ({ params, user, body }) => {
    if (body.confirmStoreId !== params.storeId) {
      throw new VaultError("INVALID_REQUEST", "Type the store id exactly to confirm.", [
        { path: "confirmStoreId", message: "Does not match the store id." },
      ]);
    }
    await deleteStore(params.projectId, params.storeId, { userId: user.id });
    return { deleted: true };
  },
);
