// GET /api/dashboard/admin/master-keys — session, instance admin: versions, rewrap status, rotation policy.
import { dashboardRoute } from "@/lib/dashboard/route";
import { getRewrapStatus, getRotationPolicy, listMasterKeys } from "@/lib/vault/keyring";

export const GET = dashboardRoute({ auth: "admin" }, async () => ({
  keys: await listMasterKeys(),
  rewrap: await getRewrapStatus(),
  policy: getRotationPolicy(),
}));
