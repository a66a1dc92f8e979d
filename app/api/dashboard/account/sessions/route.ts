// GET    /api/dashboard/account/sessions — session: the account's live sessions (current one marked).
// DELETE /api/dashboard/account/sessions — session: sign out everywhere (this session too).
import { dashboardRoute } from "@/lib/dashboard/route";
import { listSessions, revokeAllSessions } from "@/lib/auth/sessions";
import { withTransaction } from "@/lib/db/tx";
import { clientAddress } from "@/lib/net/client-address";

export const GET = dashboardRoute({}, async ({ user }) => ({ sessions: await listSessions(user.id, user.sessionId) }));

export const DELETE = dashboardRoute({}, async ({ req, user }) => {
  const ended = await withTransaction((tx) =>
    revokeAllSessions(tx, user.id, { actorUserId: user.id, address: clientAddress(req), reason: "sign_out_everywhere", email: user.email }),
  );
  return { ended };
});
