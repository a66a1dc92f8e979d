// Invitations and membership on real SQLite and PostgreSQL, through the
// route handlers: nobody is attached to a project without accepting a
// single-use link (finding 1), the owner's answer does not depend on
// whether the email has an account (finding 6), and under real concurrency
// a project never loses its last owner and duplicate invitations or
// acceptances get 409, never 500 (issue 10, item 4).
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { getDb } from "@/lib/db/client";
import { resetProcessSingletons } from "@/lib/singleton";
import { addMembership, call, callAs, makeUser, signInAs } from "@/lib/dashboard/testing";
import * as projectsRoute from "@/app/api/dashboard/projects/route";
import * as membersRoute from "@/app/api/dashboard/projects/[projectId]/members/route";
import * as memberRoute from "@/app/api/dashboard/projects/[projectId]/members/[userId]/route";
import * as invitationsRoute from "@/app/api/dashboard/projects/[projectId]/invitations/route";
import * as invitationRoute from "@/app/api/dashboard/projects/[projectId]/invitations/[invitationId]/route";
import * as previewRoute from "@/app/api/dashboard/invitations/preview/route";
import * as acceptRoute from "@/app/api/dashboard/invitations/accept/route";

vi.mock("next-auth", async (importOriginal) => {
  const { currentSession } = await import("@/lib/dashboard/testing");
  return { ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => currentSession() };
});
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

const password = "a long enough passphrase";
const tokenOf = (link: string) => link.split("#")[1]!;

async function newProject(ownerId: string, name = "Acme"): Promise<string> {
  const res = await callAs({ userId: ownerId }, projectsRoute.POST, { method: "POST", body: { name } });
  expect(res.status).toBe(201);
  return res.body.project.id;
}

async function invite(ownerId: string, projectId: string, email: string, role = "member") {
  return callAs({ userId: ownerId }, invitationsRoute.POST, { method: "POST", params: { projectId }, body: { email, role } });
}

async function owners(projectId: string): Promise<number> {
  return getDb().projectMember.count({ where: { projectId, role: "owner" } });
}

describeEachProvider("invitations and membership", (provider) => {
  let owner: { id: string; email: string };
  let projectId: string;

  beforeAll(async () => {
    owner = await makeUser();
    projectId = await newProject(owner.id);
  });
  beforeEach(() => resetProcessSingletons());

  describe("finding 1: an attacker who registered a colleague's email first gets nothing", () => {
    it("inviting that email attaches no account; only the link's holder can accept", async () => {
      const squatter = await makeUser({ email: "colleague@example.com" });
      const res = await invite(owner.id, projectId, "colleague@example.com", "owner");
      expect(res.status).toBe(201);
      expect(await getDb().projectMember.count({ where: { projectId, userId: squatter.id } })).toBe(0);
      // The squatter, signed in as that email but without the link, cannot join.
      const guessed = await callAs({ userId: squatter.id }, acceptRoute.POST, { method: "POST", body: { token: `dvi_${"A".repeat(43)}` } });
      expect(guessed.status).toBe(404);
      expect((await callAs({ userId: squatter.id }, projectsRoute.GET)).body.projects).toEqual([]);
      // The token is stored only as a hash.
      expect(JSON.stringify(await getDb().invitation.findMany())).not.toContain(tokenOf(res.body.link));
    });
  });

  describe("finding 6: the owner's answer does not reveal whether the email has an account", () => {
    it("answers the same shape for an existing account and an unknown email", async () => {
      const existing = await makeUser({ email: "has-account@example.com" });
      const a = await invite(owner.id, projectId, existing.email);
      const b = await invite(owner.id, projectId, "no-account@example.com");
      expect([a.status, b.status]).toEqual([201, 201]);
      const shape = (r: typeof a) => ({
        keys: Object.keys(r.body).sort(),
        invitation: Object.keys(r.body.invitation).sort(),
        link: r.body.link.replace(/#dvi_[\w-]{43}$/, "#TOKEN"),
        role: r.body.invitation.role,
        expired: r.body.invitation.expired,
      });
      expect(shape(a)).toEqual(shape(b));
      expect(a.body.link).toMatch(/^http:\/\/dash\.test\/invite#dvi_[\w-]{43}$/);
      // The preview is the same for both as well.
      const pa = await call(previewRoute.POST, { method: "POST", body: { token: tokenOf(a.body.link) } });
      const pb = await call(previewRoute.POST, { method: "POST", body: { token: tokenOf(b.body.link) } });
      expect(Object.keys(pa.body.invitation).sort()).toEqual(Object.keys(pb.body.invitation).sort());
      expect(pb.body.invitation).toMatchObject({ projectName: "Acme", email: "no-account@example.com", role: "member", invitedBy: owner.email });
    });
  });

  describe("accepting", () => {
    it("a new account sets its password through the link and joins with the invited role; the link works once", async () => {
      const res = await invite(owner.id, projectId, "newbie@example.com", "owner");
      const token = tokenOf(res.body.link);
      const weak = await call(acceptRoute.POST, { method: "POST", body: { token, password: "aaaaaaaaaaaa" } });
      expect(weak.status).toBe(400);
      const noPassword = await call(acceptRoute.POST, { method: "POST", body: { token } });
      expect(noPassword.body.error.details[0].path).toBe("password");
      const ok = await call(acceptRoute.POST, { method: "POST", body: { token, password, name: "Newbie" } });
      expect(ok.status).toBe(201);
      expect(ok.body).toEqual({ projectId, email: "newbie@example.com", created: true });
      const user = await getDb().user.findUniqueOrThrow({ where: { email: "newbie@example.com" } });
      expect(user.isAdmin).toBe(false);
      expect((await getDb().projectMember.findUniqueOrThrow({ where: { projectId_userId: { projectId, userId: user.id } } })).role).toBe("owner");
      const again = await call(acceptRoute.POST, { method: "POST", body: { token, password } });
      expect(again.status).toBe(409);
      expect((await call(previewRoute.POST, { method: "POST", body: { token } })).status).toBe(409);
    });

    it("an existing account accepts only while signed in as the invited email", async () => {
      const has = await getDb().user.findUniqueOrThrow({ where: { email: "has-account@example.com" } });
      const open = await callAs({ userId: owner.id }, invitationsRoute.GET, { params: { projectId } });
      expect(open.body.invitations.map((i: { email: string }) => i.email)).toContain(has.email);
      // Re-issue: the open invitation holds the slot (409) until revoked.
      expect((await invite(owner.id, projectId, has.email)).status).toBe(409);
      const id = open.body.invitations.find((i: { email: string }) => i.email === has.email).id;
      expect((await callAs({ userId: owner.id }, invitationRoute.DELETE, { method: "DELETE", params: { projectId, invitationId: id } })).status).toBe(200);
      const fresh = await invite(owner.id, projectId, has.email);
      const token = tokenOf(fresh.body.link);
      // Not signed in, a password for an email that has an account: refused, nothing changes.
      const asNew = await call(acceptRoute.POST, { method: "POST", body: { token, password } });
      expect(asNew.status).toBe(409);
      const stranger = await makeUser();
      const wrongAccount = await callAs({ userId: stranger.id }, acceptRoute.POST, { method: "POST", body: { token } });
      expect(wrongAccount.status).toBe(403);
      const ok = await callAs({ userId: has.id }, acceptRoute.POST, { method: "POST", body: { token } });
      expect([ok.status, ok.body]).toEqual([200, { projectId, email: has.email, created: false }]);
      expect((await invite(owner.id, projectId, has.email)).status).toBe(409); // already a member
    });

    it("refuses revoked, expired and unknown links, and members cannot invite", async () => {
      const res = await invite(owner.id, projectId, "late@example.com");
      await getDb().invitation.update({ where: { id: res.body.invitation.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect((await call(acceptRoute.POST, { method: "POST", body: { token: tokenOf(res.body.link), password } })).status).toBe(409);
      // An expired invitation frees the email for a new one.
      expect((await invite(owner.id, projectId, "late@example.com")).status).toBe(201);
      expect((await call(acceptRoute.POST, { method: "POST", body: { token: "not-a-token" } })).status).toBe(400);
      const member = await makeUser();
      await addMembership(projectId, member.id, "member");
      expect((await invite(member.id, projectId, "x@example.com")).status).toBe(403);
      expect((await invite((await makeUser()).id, projectId, "x@example.com")).status).toBe(404);
    });
  });

  describe("concurrency (real, on both databases)", () => {
    it("two owners inviting the same email at once: one 201, one 409", async () => {
      const second = await makeUser();
      await addMembership(projectId, second.id, "owner");
      for (let round = 0; round < 5; round++) {
        const email = `race${round}@example.com`;
        const results = await Promise.all([invite(owner.id, projectId, email), invite(second.id, projectId, email)]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      }
    });

    it("the same invitation accepted twice at once (new account, and signed in): one success, one 409", async () => {
      for (let round = 0; round < 3; round++) {
        const res = await invite(owner.id, projectId, `twice${round}@example.com`);
        const token = tokenOf(res.body.link);
        const results = await Promise.all([
          call(acceptRoute.POST, { method: "POST", body: { token, password } }),
          call(acceptRoute.POST, { method: "POST", body: { token, password: "another long passphrase" } }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
        expect(await getDb().user.count({ where: { email: `twice${round}@example.com` } })).toBe(1);
      }
      const existing = await makeUser();
      const res = await invite(owner.id, projectId, existing.email);
      const token = tokenOf(res.body.link);
      const both = await Promise.all([0, 1].map(() => callAs({ userId: existing.id }, acceptRoute.POST, { method: "POST", body: { token } })));
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    });

    it("two invitations of one new email (two projects) accepted at once: one account, one 409", async () => {
      const other = await newProject(owner.id, "Other");
      const a = await invite(owner.id, projectId, "double@example.com");
      const b = await invite(owner.id, other, "double@example.com");
      const results = await Promise.all([
        call(acceptRoute.POST, { method: "POST", body: { token: tokenOf(a.body.link), password } }),
        call(acceptRoute.POST, { method: "POST", body: { token: tokenOf(b.body.link), password } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
      expect(await getDb().user.count({ where: { email: "double@example.com" } })).toBe(1);
    });

    it("owners demoting or removing each other at once never leave a project without an owner", async () => {
      const ROUNDS = provider === "postgres" ? 12 : 4;
      const outcomes: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const a = await makeUser();
        const b = await makeUser();
        const p = await newProject(a.id, `Race ${i}`);
        await addMembership(p, b.id, "owner");
        const kind = i % 3;
        const requests =
          kind === 0
            ? // each demotes the other
              [
                callAs({ userId: a.id }, memberRoute.PATCH, { method: "PATCH", params: { projectId: p, userId: b.id }, body: { role: "member" } }),
                callAs({ userId: b.id }, memberRoute.PATCH, { method: "PATCH", params: { projectId: p, userId: a.id }, body: { role: "member" } }),
              ]
            : kind === 1
              ? // each removes the other
                [
                  callAs({ userId: a.id }, memberRoute.DELETE, { method: "DELETE", params: { projectId: p, userId: b.id } }),
                  callAs({ userId: b.id }, memberRoute.DELETE, { method: "DELETE", params: { projectId: p, userId: a.id } }),
                ]
              : // each demotes themself
                [
                  callAs({ userId: a.id }, memberRoute.PATCH, { method: "PATCH", params: { projectId: p, userId: a.id }, body: { role: "member" } }),
                  callAs({ userId: b.id }, memberRoute.PATCH, { method: "PATCH", params: { projectId: p, userId: b.id }, body: { role: "member" } }),
                ];
        const results = await Promise.all(requests);
        const statuses = results.map((r) => r.status);
        outcomes.push(...statuses);
        expect(statuses.filter((s) => s === 200)).toHaveLength(1);
        for (const s of statuses) expect([200, 403, 404, 409]).toContain(s);
        expect(await owners(p)).toBe(1);
      }
      expect(outcomes).not.toContain(500);
      signInAs(owner.id);
      expect((await call(membersRoute.GET, { params: { projectId } })).status).toBe(200);
    });
  });
});
