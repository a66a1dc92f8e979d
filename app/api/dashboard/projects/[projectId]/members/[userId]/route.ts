// PATCH  /api/dashboard/projects/{projectId}/members/{userId} — session, owner: change the role.
// DELETE /api/dashboard/projects/{projectId}/members/{userId} — session, owner: remove.
import { dashboardRoute } from "@/lib/dashboard/route";
import { memberParams, updateMemberSchema } from "@/lib/dashboard/schemas";
import { removeMember, updateMemberRole } from "@/lib/projects/members";
import { clientAddress } from "@/lib/net/client-address";

export const PATCH = dashboardRoute(
  { params: memberParams, project: "owner", body: updateMemberSchema },
  async ({ req, params, user, body }) => {
    await updateMemberRole(params.projectId, params.userId, body, { userId: user.id, address: clientAddress(req) });
    return { updated: true };
  },
);

export const DELETE = dashboardRoute({ params: memberParams, project: "owner" }, async ({ req, params, user }) => {
  await removeMember(params.projectId, params.userId, { userId: user.id, address: clientAddress(req) });
  return { removed: true };
});
