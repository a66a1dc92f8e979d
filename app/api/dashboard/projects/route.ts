// GET  /api/dashboard/projects — session: the caller's projects.
// POST /api/dashboard/projects — session: create a project (caller becomes owner).
import { dashboardRoute } from "@/lib/dashboard/route";
import { createProjectSchema } from "@/lib/dashboard/schemas";
import { createProject, listProjects } from "@/lib/projects/service";

export const GET = dashboardRoute({}, async ({ user }) => ({ projects: await listProjects(user.id) }));

export const POST = dashboardRoute({ body: createProjectSchema }, async ({ user, body }) => ({
  project: await createProject(body, { userId: user.id }),
}));
