// DELETE /api/dashboard/projects/{projectId}/invitations/{invitationId} — session, owner: revoke an open invitation.
import { dashboardRoute } from "@/lib/dashboard/route";
import { invitationParams } from "@/lib/dashboard/schemas";
import { revokeInvitation } from "@/lib/projects/invitations";
import { clientAddress } from "@/lib/net/client-address";

export const DELETE = dashboardRoute({ params: invitationParams, project: "owner" }, async ({ req, params, user }) => {
  await revokeInvitation(params.projectId, params.invitationId, { userId: user.id, address: clientAddress(req) });
  return { revoked: true };
});
