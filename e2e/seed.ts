// Creates the e2e accounts and projects directly in the e2e database, with
// the admin CLI's own commands (sign-up through the UI is not part of the
// journey). Run by e2e/global-setup.ts with tsx --conditions=react-server.
// Prints one JSON line: { owners: {viewport: email}, member, teams: {viewport: projectId} }.
import { main } from "../lib/cli/main";
import { getDb } from "../lib/db/client";
import { E2E_PASSWORD, E2E_VIEWPORTS, memberEmail, ownerEmail } from "./accounts";

async function cli(argv: string[]): Promise<Record<string, unknown>> {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await main([...argv, "--json"]);
    if (code !== 0) throw new Error(`admin ${argv.join(" ")} exited ${code}: ${chunks.join("")}`);
  } finally {
    process.stdout.write = write;
  }
  return JSON.parse(chunks.join("")) as Record<string, unknown>;
}

const member = (await cli(["user", "create", "--email", memberEmail, "--name", "Mia Member", "--password", E2E_PASSWORD])).user as { id: string };
const teams: Record<string, string> = {};
for (const viewport of E2E_VIEWPORTS) {
  const email = ownerEmail(viewport);
  await cli(["user", "create", "--email", email, "--name", `Olivia Owner-${viewport}`, "--password", E2E_PASSWORD, "--admin"]);
  const project = (await cli(["project", "create", "--name", `Team ${viewport}`, "--owner", email])).project as { id: string };
  teams[viewport] = project.id;
  // The CLI has no membership command; the row is what the dashboard's add-member writes.
  await getDb().projectMember.create({ data: { projectId: project.id, userId: member.id, role: "member" } });
}
process.stdout.write(`${JSON.stringify({ teams })}\n`);
process.exit(0);
