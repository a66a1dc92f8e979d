// project create / project list, and how every command finds a project:
// by id, or else by name when exactly one project has that name.
import "server-only";
import { getDb } from "@/lib/db/client";
import { createProjectSchema, emailSchema } from "@/lib/dashboard/schemas";
import { createProject } from "@/lib/projects/service";
import { CLI_ACTOR } from "@/lib/audit/actor";
import { checkOption, CliError, type Command } from "../command";
import { plural, table, when } from "../format";

export type ProjectRef = { id: string; name: string };

export const PROJECT_OPTION = {
  type: "string",
  arg: "P",
  description: "project id, or its name if no other project has that name",
  required: true,
} as const;

export async function resolveProject(ref: string): Promise<ProjectRef> {
  const db = getDb();
  const byId = await db.project.findUnique({ where: { id: ref }, select: { id: true, name: true } });
  if (byId) return byId;
  const byName = await db.project.findMany({ where: { name: ref }, select: { id: true, name: true }, take: 2 });
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new CliError("CONFLICT", `several projects are named "${ref}"; give the id instead (see project list)`);
  }
  throw new CliError("PROJECT_NOT_FOUND", `no project with id or name "${ref}" (see project list)`);
}

export const projectCreate: Command = {
  name: "project create",
  summary: "create a project owned by an existing account",
  options: {
    name: { type: "string", arg: "NAME", description: "project name (1-64 characters)", required: true },
    owner: { type: "string", arg: "EMAIL", description: "the owner's account email", required: true },
  },
  async run(args) {
    const { name } = checkOption("name", createProjectSchema, { name: args.required("name") });
    const email = checkOption("owner", emailSchema, args.required("owner"));
    const owner = await getDb().user.findUnique({ where: { email }, select: { id: true } });
    if (!owner) throw new CliError("NOT_FOUND", `no account with email ${email} (create it with user create)`);
    const project = await createProject({ name, ownerId: owner.id }, CLI_ACTOR);
    return {
      json: { project: { id: project.id, name: project.name, owner: email, createdAt: project.createdAt } },
      text: `Created project "${project.name}" (id ${project.id}), owned by ${email}.`,
    };
  },
};

export const projectList: Command = {
  name: "project list",
  summary: "list every project with its owners and counts",
  options: {},
  async run() {
    const rows = await getDb().project.findMany({
      orderBy: { createdAt: "asc" },
      include: {
        members: { where: { role: "owner" }, select: { user: { select: { email: true } } } },
        _count: { select: { stores: true, serverKeys: { where: { revokedAt: null } } } },
      },
    });
    const projects = rows.map((p) => ({
      id: p.id,
      name: p.name,
      owners: p.members.map((m) => m.user.email).sort(),
      storeCount: p._count.stores,
      activeKeyCount: p._count.serverKeys,
      createdAt: p.createdAt.toISOString(),
    }));
    return {
      json: { projects },
      text:
        table(
          ["id", "name", "owners", "stores", "keys", "created"],
          projects.map((p) => [p.id, p.name, p.owners.join(", ") || "-", p.storeCount, p.activeKeyCount, when(p.createdAt)]),
        ) + (projects.length ? `\n${plural(projects.length, "project")}` : ""),
    };
  },
};
