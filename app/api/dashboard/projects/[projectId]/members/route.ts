// GET /api/dashboard/projects/{projectId}/members — session, member.
// Members join through invitations (…/invitations), never by email alone.
import { dashboardRoute } from "@/lib/dashboard/route";
import { projectParams } from "@/lib/dashboard/schemas";
import { listMembers } from "@/lib/projects/members";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ params }) => ({
  members: await listMembers(params.projectId),
}));
