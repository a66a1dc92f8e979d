// POST /api/dashboard/admin/master-keys/rotate — session, instance admin:
// make a new primary master key, then start re-wrapping existing entries.
import { dashboardRoute } from "@/lib/dashboard/route";
import { rotateMasterKey, startRewrap } from "@/lib/vault/keyring";
import { userActor } from "@/lib/audit/actor";

export const POST = dashboardRoute({ auth: "admin" }, async ({ user }) => {
  const { version } = await rotateMasterKey(userActor(user.id));
  await startRewrap();
  return { version };
});
