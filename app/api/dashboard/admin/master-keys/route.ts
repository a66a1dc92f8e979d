// GET /api/dashboard/admin/master-keys — session, instance admin: versions,
// rewrap status, quarantined entries, rotation policy and the next rotation.
import { dashboardRoute } from "@/lib/dashboard/route";
import { masterKeyOverview } from "@/lib/dashboard/server-data";

// The page prefetches the same overview (lib/dashboard/server-data.ts).
export const GET = dashboardRoute({ auth: "admin" }, masterKeyOverview);
