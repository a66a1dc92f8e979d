// GET /api/dashboard/admin/security-events/export?format=jsonl|csv — session, instance admin: the security events as a file (the export is recorded).
import { dashboardRoute } from "@/lib/dashboard/route";
import { exportAudit, parseAuditQuery } from "@/lib/audit/dashboard";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({ auth: "admin" }, async ({ req, user }) => exportAudit(parseAuditQuery(req), { security: true }, userActor(user.id)));
