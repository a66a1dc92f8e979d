// DELETE /api/dashboard/projects/{projectId}/server-keys/{keyId} — session, owner: revoke.
import { dashboardRoute } from "@/lib/dashboard/route";
import { keyParams } from "@/lib/dashboard/schemas";
import { revokeServerKey } from "@/lib/server-keys/service";

export const DELETE = dashboardRoute({ params: keyParams, project: "owner" }, async ({ params, user }) => {
  await revokeServerKey(params.projectId, params.keyId, { userId: user.id });
  return { revoked: true };
});
