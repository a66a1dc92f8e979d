// GET    /api/dashboard/projects/{projectId} — session, member.
// PATCH  /api/dashboard/projects/{projectId} — session, owner: rename.
// DELETE /api/dashboard/projects/{projectId} — session, owner: delete (body {confirmName}).
import { dashboardRoute } from "@/lib/dashboard/route";
import { deleteProjectSchema, projectParams, renameProjectSchema } from "@/lib/dashboard/schemas";
import { deleteProject, getProject, renameProject } from "@/lib/projects/service";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({ params: projectParams, project: "member" }, async ({ params, user }) => ({
  project: await getProject(params.projectId, user.id),
}));

export const PATCH = dashboardRoute(
  { params: projectParams, project: "owner", body: renameProjectSchema },
  async ({ params, user, body }) => ({ project: await renameProject(params.projectId, body, userActor(user.id)) }),
);

export const DELETE = dashboardRoute(
  { params: projectParams, project: "owner", body: deleteProjectSchema },
  async ({ params, user, body }) => {
    await deleteProject(params.projectId, body, userActor(user.id));
    return { deleted: true };
  },
);
