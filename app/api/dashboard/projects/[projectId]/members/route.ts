// GET  /api/dashboard/projects/{projectId}/members — session, member.
// POST /api/dashboard/projects/{projectId}/members — session, owner: add an existing account by email.
import { dashboardRoute } from "@/lib/dashboard/route";
import { addMemberSchema, projectParams } from "@/lib/dashboard/schemas";
import { addMember, listMembers } from "@/lib/projects/members";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ params }) => ({
  members: await listMembers(params.projectId),
}));

export const POST = dashboardRoute(
  { params: projectParams, project: "owner", body: addMemberSchema },
  async ({ params, user, body }) => ({ member: await addMember(params.projectId, body, { userId: user.id }) }),
);
