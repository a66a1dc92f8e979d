// POST /api/dashboard/setup — public (same-origin only), rate limited per client address.
// Body {token, email, password, name?}: creates the first instance admin with the one-time
// link the server printed in its log. Exactly one such request succeeds.
import { dashboardRoute } from "@/lib/dashboard/route";
import { setupSchema } from "@/lib/dashboard/schemas";
import { completeSetup } from "@/lib/auth/setup";
import { clientAddress } from "@/lib/net/client-address";

export const POST = dashboardRoute({ auth: "none", body: setupSchema }, async ({ req, body }) => {
  const account = await completeSetup(body, clientAddress(req));
  return { account };
});
