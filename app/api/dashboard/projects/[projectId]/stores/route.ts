// GET  /api/dashboard/projects/{projectId}/stores — session, member.
// POST /api/dashboard/projects/{projectId}/stores — session, owner: create a store.
import { dashboardRoute } from "@/lib/dashboard/route";
import { createStoreSchema, projectParams } from "@/lib/dashboard/schemas";
import { createStore, listStores } from "@/lib/vault/stores";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ params }) => ({
  stores: await listStores(params.projectId),
}));

export const POST = dashboardRoute(
  { params: projectParams, project: "owner", body: createStoreSchema },
  async ({ params, user, body }) => ({ store: await createStore(params.projectId, body, userActor(user.id)) }),
);
