// DELETE /api/dashboard/projects/{projectId}/server-keys/{keyId} — session, owner: revoke.
import { dashboardRoute } from "@/lib/dashboard/route";
import { keyParams } from "@/lib/dashboard/schemas";
import { revokeServerKey } from "@/lib/server-keys/service";
import { userActor } from "@/lib/audit/actor";

export const DELETE = dashboardRoute({ params: keyParams, project: "owner" }, async ({ params, user }) => {
  await revokeServerKey(params.projectId, params.keyId, userActor(user.id));
  return { revoked: true };
});
