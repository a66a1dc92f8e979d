// POST /api/dashboard/invitations/accept — public (same-origin only), rate limited per client address.
// Body {token, password?, name?}: signed in as the invited email, joins the project; not signed in,
// a password creates the invited email's account and joins. 409 when already used (or raced).
import { dashboardRoute, json } from "@/lib/dashboard/route";
import { acceptInvitationSchema } from "@/lib/dashboard/schemas";
import { acceptInvitation } from "@/lib/projects/invitations";
import { getSessionUser } from "@/lib/auth/session";
import { clientAddress } from "@/lib/net/client-address";

export const POST = dashboardRoute({ auth: "none", body: acceptInvitationSchema }, async ({ req, body }) => {
  const result = await acceptInvitation(body, await getSessionUser(), clientAddress(req));
  return json({ projectId: result.projectId, email: result.account.email, created: result.created }, result.created ? 201 : 200);
});
