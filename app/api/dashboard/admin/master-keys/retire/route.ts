// POST /api/dashboard/admin/master-keys/retire — session, instance admin:
// accept the quarantined entries under an old version and retire it
// (the dashboard's form of `npm run admin -- master-key retire`).
import { userActor } from "@/lib/audit/actor";
import { z } from "zod";
import { dashboardRoute } from "@/lib/dashboard/route";
import { retireWithQuarantine } from "@/lib/vault/quarantine";

const body = z.strictObject({ version: z.number().int().min(1).max(2_147_483_647) });

export const POST = dashboardRoute({ auth: "admin", body }, async ({ body, user }) => retireWithQuarantine(body.version, userActor(user.id)));
