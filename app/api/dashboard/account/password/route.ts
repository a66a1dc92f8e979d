// POST /api/dashboard/account/password — session: change the password (current one required);
// every other session of the account ends.
import { dashboardRoute, json } from "@/lib/dashboard/route";
import { changePasswordSchema } from "@/lib/dashboard/schemas";
import { changePassword } from "@/lib/auth/account";
import { clientAddress } from "@/lib/net/client-address";

export const POST = dashboardRoute({ body: changePasswordSchema }, async ({ req, user, body }) =>
  json({ changed: true, ...(await changePassword(user, body, clientAddress(req))) }),
);
