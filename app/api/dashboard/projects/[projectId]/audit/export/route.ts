// GET /api/dashboard/projects/{projectId}/audit/export?format=jsonl|csv — session, member: every matching event as a file (the export is recorded).
import { dashboardRoute } from "@/lib/dashboard/route";
import { projectParams } from "@/lib/dashboard/schemas";
import { exportAudit, parseAuditQuery } from "@/lib/audit/dashboard";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ req, params, user }) =>
  exportAudit(parseAuditQuery(req), { projectId: params.projectId }, userActor(user.id)),
);
