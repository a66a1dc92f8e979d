// GET  /api/dashboard/projects/{projectId}/server-keys — session, member.
// POST /api/dashboard/projects/{projectId}/server-keys — session, owner: create; the token is in this answer only.
import { dashboardRoute } from "@/lib/dashboard/route";
import { createServerKeySchema, projectParams } from "@/lib/dashboard/schemas";
import { createServerKey, listServerKeys } from "@/lib/server-keys/service";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ params }) => ({
  keys: await listServerKeys(params.projectId),
}));

export const POST = dashboardRoute(
  { params: projectParams, project: "owner", body: createServerKeySchema },
  async ({ params, user, body }) => {
    const { key, token } = await createServerKey(params.projectId, body, userActor(user.id));
    return { key, token };
  },
);
