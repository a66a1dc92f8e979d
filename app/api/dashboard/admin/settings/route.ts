// GET /api/dashboard/admin/settings — session, instance admin: the sign-up policy.
// PUT /api/dashboard/admin/settings — session, instance admin: {openSignUp, signUpDomains}.
import { dashboardRoute } from "@/lib/dashboard/route";
import { instanceSettingsSchema } from "@/lib/dashboard/schemas";
import { getInstanceSettings, updateInstanceSettings } from "@/lib/auth/instance-settings";
import { clientAddress } from "@/lib/net/client-address";

export const GET = dashboardRoute({ auth: "admin" }, async () => ({ settings: await getInstanceSettings() }));

export const PUT = dashboardRoute({ auth: "admin", body: instanceSettingsSchema }, async ({ req, user, body }) => ({
  settings: await updateInstanceSettings(body, { userId: user.id, address: clientAddress(req) }),
}));
