// GET /api/dashboard/admin/security-events — session, instance admin: a page of instance-wide security events, and the audit writer's state.
import { dashboardRoute } from "@/lib/dashboard/route";
import { auditHealth, auditPage, parseAuditQuery } from "@/lib/audit/dashboard";

export const GET = dashboardRoute({ auth: "admin" }, async ({ req }) => ({ ...(await auditPage(parseAuditQuery(req), { security: true })), audit: auditHealth() }));
