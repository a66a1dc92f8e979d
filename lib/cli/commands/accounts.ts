// user create / user list. Passwords come from stdin or a hidden prompt
// (or --password, for throwaway setups) and are hashed by the same service
// the sign-up page uses.
import "server-only";
import { createAccount, type AccountView } from "@/lib/auth/users";
import { emailSchema, passwordSchema } from "@/lib/dashboard/schemas";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { checkOption, CliError, UsageError, type Command } from "../command";
import { table, when } from "../format";
import { promptHidden, readStdin } from "../secret-input";

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

// No service sets the flag on an existing account yet; this is the one
// write the CLI makes itself, with its audit record in the same transaction.
async function makeAdmin(account: AccountView): Promise<AccountView> {
  if (account.isAdmin) return account;
  await withTransaction(async (tx) => {
    await tx.user.update({ where: { id: account.id }, data: { isAdmin: true } });
    await tx.auditEvent.create({ data: { action: "account.admin", target: account.email } });
  });
  return { ...account, isAdmin: true };
}

export const userCreate: Command = {
  name: "user create",
  summary: "create a dashboard account",
  options: {
    email: { type: "string", arg: "EMAIL", description: "sign-in email", required: true },
    name: { type: "string", arg: "NAME", description: "display name" },
    "password-stdin": { type: "boolean", description: "read the password from stdin (for scripts)" },
    password: { type: "string", arg: "P", description: "the password on the command line (visible in ps; avoid)" },
    admin: { type: "boolean", description: "make the account an instance admin (the first account always is)" },
  },
  details:
    "Without --password-stdin or --password, asks for the password twice on the terminal without echoing it.\n" +
    "Passwords need at least 10 characters.",
  async run(args) {
    const email = checkOption("email", emailSchema, args.required("email"));
    const password = checkOption("password", passwordSchema, await readPassword(args));
    let account = await createAccount({ email, password, name: args.string("name") });
    if (args.flag("admin")) account = await makeAdmin(account);
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
    const users = await getDb().user.findMany({
      orderBy: { createdAt: "asc" },
      select: { id: true, email: true, name: true, isAdmin: true, createdAt: true, githubId: true },
    });
    const view = users.map((u) => ({
      id: u.id,
      email: u.email,
      name: u.name,
      isAdmin: u.isAdmin,
      github: u.githubId !== null,
      createdAt: u.createdAt.toISOString(),
    }));
    return {
      json: { users: view },
      text: table(
        ["id", "email", "name", "admin", "created"],
        view.map((u) => [u.id, u.email, u.name ?? "-", u.isAdmin ? "yes" : "", when(u.createdAt)]),
      ),
    };
  },
};
