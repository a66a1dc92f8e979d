// PATCH  /api/dashboard/projects/{projectId}/members/{userId} — session, owner: change the role.
// DELETE /api/dashboard/projects/{projectId}/members/{userId} — session, owner: remove.
import { dashboardRoute } from "@/lib/dashboard/route";
import { memberParams, updateMemberSchema } from "@/lib/dashboard/schemas";
import { removeMember, updateMemberRole } from "@/lib/projects/members";

export const PATCH = dashboardRoute(
  { params: memberParams, project: "owner", body: updateMemberSchema },
  async ({ params, user, body }) => {
    await updateMemberRole(params.projectId, params.userId, body, { userId: user.id });
    return { updated: true };
  },
);

export const DELETE = dashboardRoute({ params: memberParams, project: "owner" }, async ({ params, user }) => {
  await removeMember(params.projectId, params.userId, { userId: user.id });
  return { removed: true };
});
