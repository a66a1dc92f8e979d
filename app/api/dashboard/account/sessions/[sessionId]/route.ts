// DELETE /api/dashboard/account/sessions/{sessionId} — session: end one of the account's sessions.
import { dashboardRoute } from "@/lib/dashboard/route";
import { sessionParams } from "@/lib/dashboard/schemas";
import { revokeSession } from "@/lib/auth/sessions";
import { clientAddress } from "@/lib/net/client-address";

export const DELETE = dashboardRoute({ params: sessionParams }, async ({ req, user, params }) => {
  await revokeSession(user.id, params.sessionId, clientAddress(req));
  return { revoked: true };
});
