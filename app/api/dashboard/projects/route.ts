// GET  /api/dashboard/projects — session: the caller's projects.
// POST /api/dashboard/projects — session: create a project (caller becomes owner).
import { dashboardRoute } from "@/lib/dashboard/route";
import { createProjectSchema } from "@/lib/dashboard/schemas";
import { createProject, listProjects } from "@/lib/projects/service";
import { userActor } from "@/lib/audit/actor";

export const GET = dashboardRoute({}, async ({ user }) => ({ projects: await listProjects(user.id) }));

export const POST = dashboardRoute({ body: createProjectSchema }, async ({ user, body }) => ({
  project: await createProject(body, userActor(user.id)),
}));
