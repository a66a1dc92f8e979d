// The project and member routes, in-process on real SQLite and PostgreSQL.
// Only the session is mocked; membership checks, services and the database
// are real. An outsider gets 404 (the same as a missing project); a member
// gets 403 on owner actions.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { addMembership, call, makeUser, signInAs } from "./testing";
import * as projects from "@/app/api/dashboard/projects/route";
import * as project from "@/app/api/dashboard/projects/[projectId]/route";
import * as members from "@/app/api/dashboard/projects/[projectId]/members/route";
import * as member from "@/app/api/dashboard/projects/[projectId]/members/[userId]/route";

vi.mock("next-auth", async (importOriginal) => {
  const { currentSession } = await import("./testing");
  return { ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => currentSession() };
});
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

describeEachProvider("dashboard project routes", () => {
  let owner: { id: string; email: string };
  let teammate: { id: string; email: string };
  let outsider: { id: string; email: string };
  let projectId: string;

  beforeAll(async () => {
    owner = await makeUser();
    teammate = await makeUser();
    outsider = await makeUser();
    signInAs(owner.id);
    const res = await call(projects.POST, { method: "POST", body: { name: "  Acme  " } });
    expect(res.status).toBe(201);
    projectId = res.body.project.id;
    expect(res.body.project).toMatchObject({ name: "Acme", role: "owner", storeCount: 0, memberCount: 1 });
  });

  describe("GET/POST /projects", () => {
    it("lists only the caller's projects", async () => {
      signInAs(owner.id);
      expect((await call(projects.GET)).body.projects.map((p: { id: string }) => p.id)).toContain(projectId);
      signInAs(outsider.id);
      const res = await call(projects.GET);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.body.projects).toEqual([]);
    });

    it("401 without a session, 403 cross-origin or without Origin, 415 without JSON, 400 on bad input", async () => {
      signInAs(null);
      expect((await call(projects.GET)).status).toBe(401);
      expect((await call(projects.POST, { method: "POST", body: { name: "x" } })).body.error.code).toBe("UNAUTHENTICATED");
      signInAs(owner.id);
      expect((await call(projects.POST, { method: "POST", body: { name: "x" }, headers: { origin: "http://evil.test" } })).status).toBe(403);
      expect((await call(projects.POST, { method: "POST", body: { name: "x" }, headers: { origin: "" } })).status).toBe(403);
      expect((await call(projects.GET, { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
      expect((await call(projects.POST, { method: "POST", body: { name: "x" }, headers: { "content-type": "text/plain" } })).status).toBe(415);
      expect((await call(projects.POST, { method: "POST", body: "{nope" })).status).toBe(400);
      const empty = await call(projects.POST, { method: "POST", body: { name: "   " } });
      expect(empty.status).toBe(400);
      expect(empty.body.error).toMatchObject({ code: "INVALID_REQUEST", details: [{ path: "name", message: "Enter a project name." }] });
      expect((await call(projects.POST, { method: "POST", body: { name: "ok", extra: 1 } })).status).toBe(400);
    });
  });

  describe("GET/PATCH/DELETE /projects/{projectId}", () => {
    it("answers members, and 404 to outsiders and for unknown or malformed ids", async () => {
      signInAs(owner.id);
      const res = await call(project.GET, { params: { projectId } });
      expect(res.status).toBe(200);
      expect(res.body.project).toMatchObject({ id: projectId, name: "Acme", role: "owner", serverKeyCount: 0 });
      signInAs(outsider.id);
      const hidden = await call(project.GET, { params: { projectId } });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error.code).toBe("PROJECT_NOT_FOUND");
      const missing = await call(project.GET, { params: { projectId: "does-not-exist" } });
      expect(missing.body).toEqual(hidden.body);
      expect((await call(project.GET, { params: { projectId: "../etc" } })).status).toBe(404);
    });

    it("renames for owners only", async () => {
      signInAs(outsider.id);
      expect((await call(project.PATCH, { method: "PATCH", params: { projectId }, body: { name: "Pwned" } })).status).toBe(404);
      signInAs(owner.id);
      const res = await call(project.PATCH, { method: "PATCH", params: { projectId }, body: { name: "Acme prod" } });
      expect(res.status).toBe(200);
      expect(res.body.project.name).toBe("Acme prod");
    });
  });

  describe("GET/POST /projects/{projectId}/members and PATCH/DELETE .../members/{userId}", () => {
    it("nobody is added by email alone: the members route has no POST (invitations do that)", async () => {
      expect("POST" in members).toBe(false);
      // Invitations have their own tests (lib/projects/invitations.int.test.ts).
      await addMembership(projectId, teammate.id);
    });

    it("members view but get 403 on owner actions; outsiders get 404 everywhere", async () => {
      signInAs(teammate.id);
      expect((await call(project.GET, { params: { projectId } })).body.project.role).toBe("member");
      const list = await call(members.GET, { params: { projectId } });
      expect(list.status).toBe(200);
      expect(list.body.members).toHaveLength(2);
      const forbidden = [
        await call(project.PATCH, { method: "PATCH", params: { projectId }, body: { name: "Mine" } }),
        await call(project.DELETE, { method: "DELETE", params: { projectId }, body: { confirmName: "Acme prod" } }),
        await call(member.PATCH, { method: "PATCH", params: { projectId, userId: teammate.id }, body: { role: "owner" } }),
        await call(member.DELETE, { method: "DELETE", params: { projectId, userId: owner.id } }),
      ];
      for (const res of forbidden) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe("FORBIDDEN");
      }
      signInAs(outsider.id);
      const hidden = [
        await call(members.GET, { params: { projectId } }),
        await call(member.PATCH, { method: "PATCH", params: { projectId, userId: teammate.id }, body: { role: "member" } }),
        await call(member.DELETE, { method: "DELETE", params: { projectId, userId: teammate.id } }),
      ];
      for (const res of hidden) expect(res.status).toBe(404);
    });

    it("changes roles, keeps at least one owner, removes members", async () => {
      signInAs(owner.id);
      const demoteSelf = await call(member.PATCH, { method: "PATCH", params: { projectId, userId: owner.id }, body: { role: "member" } });
      expect(demoteSelf.status).toBe(409);
      expect((await call(member.DELETE, { method: "DELETE", params: { projectId, userId: owner.id } })).status).toBe(409);
      expect((await call(member.PATCH, { method: "PATCH", params: { projectId, userId: teammate.id }, body: { role: "owner" } })).status).toBe(200);
      expect((await call(member.PATCH, { method: "PATCH", params: { projectId, userId: teammate.id }, body: { role: "member" } })).status).toBe(200);
      expect((await call(member.DELETE, { method: "DELETE", params: { projectId, userId: outsider.id } })).status).toBe(404);
      expect((await call(member.DELETE, { method: "DELETE", params: { projectId, userId: teammate.id } })).status).toBe(200);
      signInAs(teammate.id);
      expect((await call(project.GET, { params: { projectId } })).status).toBe(404);
    });

    it("deletes only when the typed name matches", async () => {
      signInAs(owner.id);
      const wrong = await call(project.DELETE, { method: "DELETE", params: { projectId }, body: { confirmName: "acme prod" } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details[0].path).toBe("confirmName");
      const res = await call(project.DELETE, { method: "DELETE", params: { projectId }, body: { confirmName: "Acme prod" } });
      expect(res.status).toBe(200);
      expect((await call(project.GET, { params: { projectId } })).status).toBe(404);
    });
  });
});
