// GET /api/dashboard/admin/master-keys/rewrap — session, instance admin: rewrap progress (polled while it runs).
import { dashboardRoute } from "@/lib/dashboard/route";
import { getRewrapStatus } from "@/lib/vault/keyring";

export const GET = dashboardRoute({ auth: "admin" }, async () => ({ rewrap: await getRewrapStatus() }));
