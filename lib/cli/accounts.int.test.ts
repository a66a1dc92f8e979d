// The admin CLI's account commands as an operator runs them (one child
// process per command) on fresh SQLite and PostgreSQL databases: the first
// admin, promote/demote/disable/enable/set-password/delete with their
// invariants, and invitation list/revoke. Each change is a security event.
import { spawn } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { userActor } from "@/lib/audit/actor";
import { getDb } from "@/lib/db/client";
import { createInvitation } from "@/lib/projects/invitations";
import { createProject } from "@/lib/projects/service";
import { startSession, resolveSession } from "@/lib/auth/sessions";

const ROOT = path.resolve(import.meta.dirname, "../..");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON output, checked field by field
type Run = { code: number; stdout: string; stderr: string; json: any };

function cli(args: string[], input = ""): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/admin.ts", ...args, "--json"], {
      cwd: ROOT,
      env: process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve({ code: code ?? -1, stdout, stderr, json: JSON.parse(stdout) });
      } catch {
        reject(new Error(`not one JSON document on stdout:\n${stdout}\nstderr:\n${stderr}`));
      }
    });
    child.stdin.end(input);
  });
}

const password = "an operator passphrase";

describeEachProvider("admin CLI: accounts", () => {
  it("creates the first admin with --admin; refuses weak passwords; manages accounts keeping one admin and every project's owner", async () => {
    const [weak, common, admin, bob] = await Promise.all([
      cli(["user", "create", "--email", "weak@example.com", "--password-stdin"], "aaaaaaaaaaaa\n"),
      cli(["user", "create", "--email", "common@example.com", "--password-stdin"], "password1234\n"),
      cli(["user", "create", "--email", "root@example.com", "--password-stdin", "--admin"], `${password}\n`),
      cli(["user", "create", "--email", "bob@example.com", "--password-stdin"], `${password}\n`),
    ]);
    expect(weak.json.error).toEqual({ code: "INVALID_REQUEST", message: "--password: Use more than one distinct character." });
    expect(common.json.error.code).toBe("INVALID_REQUEST");
    expect(common.json.error.message).toContain("commonly used passwords");
    expect(admin.json.user).toMatchObject({ email: "root@example.com", isAdmin: true });
    expect(bob.json.user).toMatchObject({ email: "bob@example.com", isAdmin: false });

    const lastAdmin = await cli(["user", "demote", "--email", "root@example.com"]);
    expect([lastAdmin.code, lastAdmin.json.error.code]).toEqual([1, "CONFLICT"]);
    expect((await cli(["user", "promote", "--email", "bob@example.com"])).json.user.isAdmin).toBe(true);
    expect((await cli(["user", "demote", "--email", "root@example.com"])).json.user.isAdmin).toBe(false);
    expect((await cli(["user", "promote", "--email", "nobody@example.com"])).json.error.code).toBe("NOT_FOUND");

    // Disable ends sessions at once; enable lets the account sign in again (sessions stay ended).
    const root = await getDb().user.findUniqueOrThrow({ where: { email: "root@example.com" } });
    const token = await startSession(root.id, { method: "password", address: "192.0.2.1" });
    const disabled = await cli(["user", "disable", "--email", "root@example.com"]);
    expect(disabled.json).toMatchObject({ user: { email: "root@example.com", disabled: true }, endedSessions: 1 });
    expect(await resolveSession(token)).toBeNull();
    const list = await cli(["user", "list"]);
    expect(list.json.users.find((u: { email: string }) => u.email === "root@example.com")).toMatchObject({ disabled: true, isAdmin: false });
    expect((await cli(["user", "enable", "--email", "root@example.com"])).json.user.disabled).toBe(false);

    // Delete: refused for the only owner of a project, and without --yes.
    const project = await createProject({ name: "Owned" }, userActor(root.id));
    expect((await cli(["user", "delete", "--email", "root@example.com"])).json.error.code).toBe("USAGE");
    const soleOwner = await cli(["user", "delete", "--email", "root@example.com", "--yes"]);
    expect(soleOwner.json.error).toEqual({ code: "CONFLICT", message: 'root@example.com is the only owner of "Owned"; make someone else an owner or delete the project first' });

    // Invitations: list open ones, revoke one.
    const { invitation } = await createInvitation(project.id, { email: "guest@example.com", role: "member" }, { userId: root.id, address: "192.0.2.1" });
    const invitations = await cli(["invitation", "list", "--project", "Owned"]);
    expect(invitations.json.invitations).toEqual([expect.objectContaining({ id: invitation.id, email: "guest@example.com", role: "member", state: "open", project: "Owned" })]);
    expect((await cli(["invitation", "revoke", "--id", invitation.id])).json.revoked.email).toBe("guest@example.com");
    expect((await cli(["invitation", "list"])).json.invitations).toEqual([]);
    expect((await cli(["invitation", "list", "--all"])).json.invitations[0].state).toBe("revoked");

    await getDb().project.delete({ where: { id: project.id } });
    expect((await cli(["user", "set-password", "--email", "root@example.com", "--password-stdin"], "a fresh operator passphrase\n")).code).toBe(0);
    expect((await cli(["user", "delete", "--email", "root@example.com", "--yes"])).json.deleted.email).toBe("root@example.com");

    const events = await getDb().auditEvent.findMany({ where: { actorType: "cli" } });
    for (const action of ["account.create", "account.promote", "account.demote", "account.disable", "account.enable", "session.revoke_all", "invitation.revoke", "account.password_set", "account.delete"]) {
      expect(events.map((e) => e.action)).toContain(action);
    }
    expect(JSON.stringify(events)).not.toContain(password);
  }, 900_000); // about twenty CLI processes; a slow, shared machine takes seconds for each
});
