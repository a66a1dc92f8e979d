// user create / list / promote / demote / disable / enable / delete /
// set-password, and invitation list / revoke. Passwords come from stdin or
// a hidden prompt (or --password, for throwaway setups) and go through the
// same password rules and services as the dashboard. Every change is a
// security event (address "cli"), visible to admins in the dashboard.
import "server-only";
import {
  createAccount,
  deleteAccount,
  listAccounts,
  setAdmin,
  setDisabled,
  setPassword,
  type Actor,
} from "@/lib/auth/account-admin";
import { recordSecurityEvent } from "@/lib/auth/security-events";
import { emailSchema, passwordSchema } from "@/lib/dashboard/schemas";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { checkOption, CliError, UsageError, type Command } from "../command";
import { table, when } from "../format";
import { promptHidden, readStdin } from "../secret-input";
import { resolveProject } from "./projects";

const CLI: Actor = { userId: null, address: "cli" };

async function readPassword(args: Parameters<Command["run"]>[0]): Promise<string> {
  const given = [args.has("password"), args.flag("password-stdin")].filter(Boolean).length;
  if (given > 1) throw new UsageError("use one of --password and --password-stdin");
  if (args.has("password")) return args.string("password")!;
  if (args.flag("password-stdin")) return readStdin("password-stdin");
  if (!process.stdin.isTTY) throw new UsageError("missing --password-stdin (or --password)");
  const first = await promptHidden("Password: ");
  const again = await promptHidden("Repeat it: ");
  if (first !== again) throw new CliError("INVALID_REQUEST", "the passwords differ");
  return first;
}

const PASSWORD_OPTIONS = {
  "password-stdin": { type: "boolean", description: "read the password from stdin (for scripts)" },
  password: { type: "string", arg: "P", description: "the password on the command line (visible in ps; avoid)" },
} as const;

const PASSWORD_RULES =
  "Passwords need at least 12 characters, more than one distinct character, and must not be a commonly used password.";

const EMAIL_OPTION = { type: "string", arg: "EMAIL", description: "the account's email", required: true } as const;

export const userCreate: Command = {
  name: "user create",
  summary: "create a dashboard account (--admin: an instance admin)",
  options: {
    email: { type: "string", arg: "EMAIL", description: "sign-in email", required: true },
    name: { type: "string", arg: "NAME", description: "display name" },
    ...PASSWORD_OPTIONS,
    admin: { type: "boolean", description: "make the account an instance admin (how the first admin is made)" },
  },
  details:
    "Without --password-stdin or --password, asks for the password twice on the terminal without echoing it.\n" +
    `${PASSWORD_RULES}\n` +
    "Accounts made here need no invitation; add them to projects with invitations in the dashboard.",
  async run(args) {
    const email = checkOption("email", emailSchema, args.required("email"));
    const password = checkOption("password", passwordSchema, await readPassword(args));
    const account = await createAccount({ email, password, name: args.string("name"), admin: args.flag("admin") }, CLI);
    return {
      json: { user: account },
      text: `Created user ${account.email} (id ${account.id})${account.isAdmin ? ", instance admin" : ""}.`,
    };
  },
};

export const userList: Command = {
  name: "user list",
  summary: "list accounts",
  options: {},
  async run() {
    const users = await listAccounts();
    const view = users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      isAdmin: u.isAdmin,
      disabled: u.disabledAt !== null,
      github: u.githubId !== null,
      createdAt: u.createdAt.toISOString(),
    }));
    return {
      json: { users: view },
      text: table(
        ["id", "email", "name", "admin", "state", "created"],
        view.map((u) => [u.id, u.email, u.name ?? "-", u.isAdmin ? "yes" : "", u.disabled ? "disabled" : "active", when(u.createdAt)]),
      ),
    };
  },
};

function emailArg(args: Parameters<Command["run"]>[0]): string {
  return checkOption("email", emailSchema, args.required("email"));
}

export const userPromote: Command = {
  name: "user promote",
  summary: "make an account an instance admin",
  options: { email: EMAIL_OPTION },
  async run(args) {
    const account = await setAdmin(emailArg(args), true, CLI);
    return { json: { user: account }, text: `${account.email} is an instance admin.` };
  },
};

export const userDemote: Command = {
  name: "user demote",
  summary: "take instance admin away from an account",
  options: { email: EMAIL_OPTION },
  details: "Refused for the only active admin (exit 1, CONFLICT): promote another account first.",
  async run(args) {
    const account = await setAdmin(emailArg(args), false, CLI);
    return { json: { user: account }, text: `${account.email} is no longer an instance admin.` };
  },
};

export const userDisable: Command = {
  name: "user disable",
  summary: "stop an account from signing in and end all its sessions at once",
  options: { email: EMAIL_OPTION },
  details: "Its memberships stay (undo with user enable). Refused for the only active admin.",
  async run(args) {
    const result = await setDisabled(emailArg(args), true, CLI);
    return {
      json: { user: { id: result.id, email: result.email, disabled: true }, endedSessions: result.endedSessions },
      text: `Disabled ${result.email}; ended ${result.endedSessions} session(s).`,
    };
  },
};

export const userEnable: Command = {
  name: "user enable",
  summary: "let a disabled account sign in again",
  options: { email: EMAIL_OPTION },
  async run(args) {
    const result = await setDisabled(emailArg(args), false, CLI);
    return { json: { user: { id: result.id, email: result.email, disabled: false } }, text: `Enabled ${result.email}.` };
  },
};

export const userDelete: Command = {
  name: "user delete",
  summary: "delete an account with its sessions and memberships",
  options: { email: EMAIL_OPTION, yes: { type: "boolean", description: "confirm", required: true } },
  details:
    "Refused (exit 1, CONFLICT) while the account is the only owner of a project or the only active admin.\n" +
    "Server keys it created keep working; revoke them separately if needed.",
  async run(args) {
    if (!args.flag("yes")) throw new UsageError("deleting an account cannot be undone; add --yes");
    const account = await deleteAccount(emailArg(args), CLI);
    return { json: { deleted: { id: account.id, email: account.email } }, text: `Deleted ${account.email}.` };
  },
};

export const userSetPassword: Command = {
  name: "user set-password",
  summary: "set an account's password (a locked-out user); ends all its sessions",
  options: { email: EMAIL_OPTION, ...PASSWORD_OPTIONS },
  details: PASSWORD_RULES,
  async run(args) {
    const email = emailArg(args);
    const password = checkOption("password", passwordSchema, await readPassword(args));
    const account = await setPassword(email, password, CLI);
    return { json: { user: account }, text: `Set a new password for ${account.email}; its sessions ended.` };
  },
};

export const invitationList: Command = {
  name: "invitation list",
  summary: "list invitations (open ones unless --all)",
  options: {
    project: { type: "string", arg: "P", description: "only this project (id, or its name if unique)" },
    all: { type: "boolean", description: "also accepted, revoked and expired ones" },
  },
  async run(args) {
    const project = args.string("project") ? await resolveProject(args.string("project")!) : null;
    const now = new Date();
    const rows = await getDb().invitation.findMany({
      where: {
        ...(project ? { projectId: project.id } : {}),
        ...(args.flag("all") ? {} : { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }),
      },
      include: { project: { select: { name: true } } },
      orderBy: { createdAt: "desc" },
    });
    const view = rows.map((r) => ({
      id: r.id,
      projectId: r.projectId,
      project: r.project.name,
      email: r.email,
      role: r.role,
      state: r.acceptedAt ? "accepted" : r.revokedAt ? "revoked" : r.expiresAt <= now ? "expired" : "open",
      createdAt: r.createdAt.toISOString(),
      expiresAt: r.expiresAt.toISOString(),
    }));
    return {
      json: { invitations: view },
      text: table(
        ["id", "project", "email", "role", "state", "expires"],
        view.map((i) => [i.id, i.project, i.email, i.role, i.state, when(i.expiresAt)]),
      ),
    };
  },
};

export const invitationRevoke: Command = {
  name: "invitation revoke",
  summary: "revoke an open invitation (its link stops working)",
  options: { id: { type: "string", arg: "ID", description: "the invitation id (see invitation list)", required: true } },
  async run(args) {
    const id = args.required("id");
    const revoked = await withTransaction(async (tx) => {
      const row = await tx.invitation.findFirst({ where: { id, acceptedAt: null, revokedAt: null } });
      if (!row) throw new CliError("NOT_FOUND", `no open invitation with id ${id} (see invitation list)`);
      await tx.invitation.update({ where: { id }, data: { revokedAt: new Date(), openKey: null } });
      await recordSecurityEvent(tx, { action: "invitation.revoke", projectId: row.projectId, target: row.email, address: CLI.address, detail: { invitation: id } });
      return row;
    });
    return { json: { revoked: { id, email: revoked.email } }, text: `Revoked the invitation of ${revoked.email}.` };
  },
};
