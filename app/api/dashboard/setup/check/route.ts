// POST /api/dashboard/setup/check — public (same-origin only), rate limited per client address.
// Body {token} (from the setup link's fragment): 200 while the link can create the first admin, else 404.
import { dashboardRoute, json } from "@/lib/dashboard/route";
import { invitationTokenSchema } from "@/lib/dashboard/schemas";
import { checkSetupToken } from "@/lib/auth/setup";
import { clientAddress } from "@/lib/net/client-address";

export const POST = dashboardRoute({ auth: "none", body: invitationTokenSchema }, async ({ req, body }) => {
  await checkSetupToken(body.token, clientAddress(req));
  return json({ valid: true });
});
