// POST /api/dashboard/invitations/preview — public (same-origin only), rate limited per client address.
// Body {token} (from the link's fragment): the project, email and role it invites to.
import { dashboardRoute, json } from "@/lib/dashboard/route";
import { invitationTokenSchema } from "@/lib/dashboard/schemas";
import { previewInvitation } from "@/lib/projects/invitations";
import { clientAddress } from "@/lib/net/client-address";

export const POST = dashboardRoute({ auth: "none", body: invitationTokenSchema }, async ({ req, body }) =>
  json({ invitation: await previewInvitation(body.token, clientAddress(req)) }),
);
