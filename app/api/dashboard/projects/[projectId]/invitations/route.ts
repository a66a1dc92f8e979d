// GET  /api/dashboard/projects/{projectId}/invitations — session, owner: open invitations.
// POST /api/dashboard/projects/{projectId}/invitations — session, owner: invite an email with a role;
//      answers the single-use link once (the same answer whether the email has an account or not).
import { dashboardRoute } from "@/lib/dashboard/route";
import { createInvitationSchema, projectParams } from "@/lib/dashboard/schemas";
import { createInvitation, invitationLink, listInvitations } from "@/lib/projects/invitations";
import { clientAddress } from "@/lib/net/client-address";

export const GET = dashboardRoute({ params: projectParams, project: "owner" }, async ({ params }) => ({
  invitations: await listInvitations(params.projectId),
}));

export const POST = dashboardRoute(
  { params: projectParams, project: "owner", body: createInvitationSchema },
  async ({ req, params, user, body }) => {
    const { invitation, token } = await createInvitation(params.projectId, body, { userId: user.id, address: clientAddress(req) });
    return { invitation, link: invitationLink(token, req.headers.get("host")) };
  },
);
