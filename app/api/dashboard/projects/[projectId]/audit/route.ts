// GET /api/dashboard/projects/{projectId}/audit — session, member: a page of the project's audit events (filters as query parameters).
import { dashboardRoute } from "@/lib/dashboard/route";
import { projectParams } from "@/lib/dashboard/schemas";
import { auditPage, parseAuditQuery } from "@/lib/audit/dashboard";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ req, params }) => auditPage(parseAuditQuery(req), { projectId: params.projectId }));
