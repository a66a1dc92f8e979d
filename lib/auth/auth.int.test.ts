// Issue 9's findings on sign-up, the first admin, sign-in throttling,
// sessions and GitHub linking, each with its exact payload, on real SQLite
// and PostgreSQL. Only next-auth's getServerSession is mocked (to read the
// test's session); next-auth's own callbacks, the services and the
// databases are real.
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { getDb } from "@/lib/db/client";
import { resetProcessSingletons } from "@/lib/singleton";
import { actWithSessionToken, call, callAs, makeUser, signInAs, startTestSession } from "@/lib/dashboard/testing";
import * as signUpRoute from "@/app/api/dashboard/sign-up/route";
import * as setupRoute from "@/app/api/dashboard/setup/route";
import * as setupCheck from "@/app/api/dashboard/setup/check/route";
import * as passwordRoute from "@/app/api/dashboard/account/password/route";
import * as sessionsRoute from "@/app/api/dashboard/account/sessions/route";
import * as sessionRoute from "@/app/api/dashboard/account/sessions/[sessionId]/route";
import * as eventsRoute from "@/app/api/dashboard/admin/security-events/route";
import * as settingsRoute from "@/app/api/dashboard/admin/settings/route";
import * as projectsRoute from "@/app/api/dashboard/projects/route";
import { getAuthOptions } from "./options";
import { createAccount, deleteAccount, setAdmin, setDisabled } from "./account-admin";
import { updateInstanceSettings } from "./instance-settings";
import { SIGN_IN_LIMITS } from "./rate-limit";
import { createSetupLink } from "./setup";
import { resolveSession } from "./sessions";
import { SIGN_UP_ANSWER } from "./sign-up";
import { githubSignIn } from "./users";

vi.mock("next-auth", async (importOriginal) => {
  const { currentSession } = await import("@/lib/dashboard/testing");
  return { ...(await importOriginal<typeof import("next-auth")>()), getServerSession: async () => currentSession() };
});
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

type Authorize = (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<{ id: string } | null>;
function authorize(): Authorize {
  const provider = getAuthOptions().providers.find((p) => p.id === "credentials") as unknown as { options: { authorize: Authorize } };
  return provider.options.authorize;
}
/** A sign-in from this peer address (what the server in front of Next sets), with an optional X-Forwarded-For. */
const from = (peer: string, xff?: string) => ({ headers: { "x-data-vault-peer": peer, ...(xff ? { "x-forwarded-for": xff } : {}) } });
const outcome = async (p: Promise<unknown>) => p.then((u) => (u ? "ok" : "invalid"), (e: Error) => e.message);

const password = "a long enough passphrase";
// Each wrong guess is a real scrypt; leave room for a slow, shared machine.
const SLOW = 300_000;
const ADMIN = { userId: null, address: "cli" };

async function allAuditText(): Promise<string> {
  const rows = await getDb().auditEvent.findMany();
  return JSON.stringify(rows);
}

describeEachProvider("accounts", () => {
  beforeAll(() => resetProcessSingletons());
  beforeEach(() => resetProcessSingletons());

  describe("finding 1: nobody joins uninvited; the first admin comes from the server's machine", () => {
    it("an empty instance has no sign-up, and two sign-ups racing (sign-up opened) make no admin", async () => {
      const closed = await call(signUpRoute.POST, { method: "POST", body: { email: "first@example.com", password } });
      expect(closed.status).toBe(403);
      expect(closed.body.error).toEqual({ code: "FORBIDDEN", message: "Sign-up is by invitation only. Ask a project owner for an invitation link." });
      expect(await getDb().user.count()).toBe(0);

      await updateInstanceSettings({ openSignUp: true, signUpDomains: [] }, ADMIN);
      const raced = await Promise.all(
        ["first@example.com", "second@example.com"].map((email, i) =>
          call(signUpRoute.POST, { method: "POST", body: { email, password }, headers: { "x-data-vault-peer": `198.51.100.${i + 1}` } }),
        ),
      );
      for (const r of raced) expect([r.status, r.body]).toEqual([202, SIGN_UP_ANSWER]);
      expect(await getDb().user.count({ where: { isAdmin: true } })).toBe(0);
      await updateInstanceSettings({ openSignUp: false, signUpDomains: [] }, ADMIN);
    });

    it("a setup link makes exactly one admin when used twice at once, then stops working", async () => {
      const link = await createSetupLink();
      expect(link).toMatch(/^http:\/\/dash\.test\/setup#dvs_[\w-]{43}$/);
      const token = link!.split("#")[1]!;
      expect((await call(setupCheck.POST, { method: "POST", body: { token } })).status).toBe(200);
      // A second link (a second instance started meanwhile) races the first.
      const other = (await createSetupLink())!.split("#")[1]!;
      const results = await Promise.all([
        call(setupRoute.POST, { method: "POST", body: { token, email: "admin@example.com", password } }),
        call(setupRoute.POST, { method: "POST", body: { token, email: "admin2@example.com", password } }),
        call(setupRoute.POST, { method: "POST", body: { token: other, email: "admin3@example.com", password } }),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
      expect(await getDb().user.count({ where: { isAdmin: true } })).toBe(1);
      const stored = await getDb().setupToken.findMany();
      expect(stored.every((t) => t.usedAt !== null)).toBe(true);
      expect(JSON.stringify(stored)).not.toContain(token);
      expect((await call(setupCheck.POST, { method: "POST", body: { token: other } })).status).toBe(404);
      expect(await createSetupLink()).toBeNull();
    });

    it("the CLI's services promote and demote, but never the last active admin", async () => {
      const admin = await getDb().user.findFirstOrThrow({ where: { isAdmin: true } });
      await expect(setAdmin(admin.email, false, ADMIN)).rejects.toThrow(/only active admin/);
      await expect(setDisabled(admin.email, true, ADMIN)).rejects.toThrow(/only active admin/);
      await expect(deleteAccount(admin.email, ADMIN)).rejects.toThrow(/only active admin/);
      const bob = await createAccount({ email: "bob@example.com", password }, ADMIN);
      expect(bob.isAdmin).toBe(false);
      expect((await setAdmin("bob@example.com", true, ADMIN)).isAdmin).toBe(true);
      // Two admins demoting each other at once: one stays.
      const both = await Promise.allSettled([setAdmin("bob@example.com", false, ADMIN), setAdmin(admin.email, false, ADMIN)]);
      expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await getDb().user.count({ where: { isAdmin: true } })).toBe(1);
    });
  });

  describe("finding 6: sign-up reveals nothing, weak passwords and foreign origins are refused", () => {
    beforeAll(async () => {
      await updateInstanceSettings({ openSignUp: true, signUpDomains: [] }, ADMIN);
    });

    it("answers a taken email exactly like a new one, and changes nothing on the existing account", async () => {
      const before = await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
      const taken = await call(signUpRoute.POST, { method: "POST", body: { email: "BOB@example.com", password: "another long passphrase" } });
      const fresh = await call(signUpRoute.POST, { method: "POST", body: { email: "carol@example.com", password: "another long passphrase" } });
      expect([taken.status, taken.body]).toEqual([fresh.status, fresh.body]);
      expect((await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.com" } })).passwordHash).toBe(before.passwordHash);
    });

    it.each([
      ["aaaaaaaaaa", "Use at least 12 characters."],
      ["          ", "Use at least 12 characters."],
      ["aaaaaaaaaaaa", "Use more than one distinct character."],
      ["            ", "Use more than one distinct character."],
      ["password1234", "This password is on a list of commonly used passwords. Choose another."],
      ["Qwerty123456", "This password is on a list of commonly used passwords. Choose another."],
      ["dave@example.com", "Do not use your email address as the password."],
    ])("refuses the password %j", async (weak, message) => {
      const res = await call(signUpRoute.POST, { method: "POST", body: { email: "dave@example.com", password: weak } });
      expect(res.status).toBe(400);
      expect(res.body.error.details[0]).toEqual({ path: "password", message });
    });

    it("limits sign-up to the listed domains", async () => {
      await updateInstanceSettings({ openSignUp: true, signUpDomains: ["example.org"] }, ADMIN);
      const other = await call(signUpRoute.POST, { method: "POST", body: { email: "eve@example.com", password } });
      expect(other.status).toBe(403);
      expect(other.body.error.message).toBe("Sign-up is open to addresses at @example.org only.");
      expect((await call(signUpRoute.POST, { method: "POST", body: { email: "eve@example.org", password } })).status).toBe(202);
      await updateInstanceSettings({ openSignUp: false, signUpDomains: [] }, ADMIN);
    });

    it("refuses a DNS-rebinding page (its own Host and Origin) and any other origin", async () => {
      await updateInstanceSettings({ openSignUp: true, signUpDomains: [] }, ADMIN);
      const body = { email: "rebind@example.com", password };
      const rebinding = await call(signUpRoute.POST, { method: "POST", body, headers: { host: "evil.example:3000", origin: "http://evil.example:3000" } });
      expect(rebinding.status).toBe(403);
      const crossSite = await call(signUpRoute.POST, { method: "POST", body, headers: { origin: "http://evil.test" } });
      expect(crossSite.status).toBe(403);
      expect(await getDb().user.count({ where: { email: "rebind@example.com" } })).toBe(0);
      await updateInstanceSettings({ openSignUp: false, signUpDomains: [] }, ADMIN);
    });
  });

  describe("finding 2: sign-in limits that slow attackers but never lock the owner out", () => {
    it("ignores a forged X-Forwarded-For: rotating it does not escape the per-address limit", async () => {
      const auth = authorize();
      for (let i = 0; i < SIGN_IN_LIMITS.perAddress.max; i++) {
        // Spraying many accounts (some unknown) from one peer, each with a new forged address.
        expect(await outcome(auth({ email: `victim${i % 7}@example.com`, password: "wrong guess 123" }, from("203.0.113.66", `10.0.${i}.1`)))).toBe("invalid");
      }
      expect(await outcome(auth({ email: "bob@example.com", password }, from("203.0.113.66", "10.99.99.99")))).toBe("RATE_LIMITED");
      // Another client is not affected.
      expect(await outcome(auth({ email: "bob@example.com", password }, from("203.0.113.67")))).toBe("ok");
    }, SLOW);

    it("honours X-Forwarded-For only from TRUSTED_PROXIES, walking from the right", async () => {
      process.env.TRUSTED_PROXIES = "127.0.0.1";
      try {
        const auth = authorize();
        for (let i = 0; i < SIGN_IN_LIMITS.perPair.max; i++) {
          expect(await outcome(auth({ email: "bob@example.com", password: "wrong guess 123" }, from("127.0.0.1", `1.2.3.4, 198.51.100.7`)))).toBe("invalid");
        }
        expect(await outcome(auth({ email: "bob@example.com", password }, from("127.0.0.1", "198.51.100.7")))).toBe("RATE_LIMITED");
        // The same proxy forwarding another client: that client may sign in.
        expect(await outcome(auth({ email: "bob@example.com", password }, from("127.0.0.1", "198.51.100.8")))).toBe("ok");
      } finally {
        delete process.env.TRUSTED_PROXIES;
      }
    }, SLOW);

    it("ten wrong guesses lock the guessing address, not the owner signing in from elsewhere (finding 2, exact repeat)", async () => {
      const auth = authorize();
      const results: string[] = [];
      for (let i = 0; i < 10; i++) results.push(await outcome(auth({ email: "bob@example.com", password: `wrong guess ${i}!!` }, from("198.51.100.23"))));
      expect(results).toEqual([...Array(5).fill("invalid"), ...Array(5).fill("RATE_LIMITED")]);
      // Right password from the attacker's address: still refused there.
      expect(await outcome(auth({ email: "bob@example.com", password }, from("198.51.100.23")))).toBe("RATE_LIMITED");
      // The owner, from a new address: in at once.
      expect(await outcome(auth({ email: "bob@example.com", password }, from("192.0.2.200")))).toBe("ok");
    }, SLOW);

    it("under a distributed attack each address gets one try a minute, and the owner's first try still works", async () => {
      const auth = authorize();
      for (let i = 0; i < SIGN_IN_LIMITS.perAccount.max; i++) {
        expect(await outcome(auth({ email: "bob@example.com", password: "wrong guess 123" }, from(`198.51.100.${100 + i}`)))).toBe("invalid");
      }
      // An attacker's address that already tried: wait a minute.
      expect(await outcome(auth({ email: "bob@example.com", password: "wrong guess 124" }, from("198.51.100.100")))).toBe("RATE_LIMITED");
      // A fresh address (the owner) with the right password: no wait.
      expect(await outcome(auth({ email: "bob@example.com", password }, from("192.0.2.201")))).toBe("ok");
      // IPv6: a whole /64 is one client.
      expect(await outcome(auth({ email: "bob@example.com", password: "wrong guess 125" }, from("2001:db8:1:2::1")))).toBe("invalid");
      expect(await outcome(auth({ email: "bob@example.com", password: "wrong guess 126" }, from("2001:db8:1:2::ffff")))).toBe("RATE_LIMITED");
    }, SLOW);

    it("answers an unknown email like a wrong password, and says 'disabled' only with the right password", async () => {
      const auth = authorize();
      expect(await outcome(auth({ email: "ghost@example.com", password }, from("192.0.2.1")))).toBe("invalid");
      expect(await outcome(auth({ email: "bob@example.com", password: "wrong guess 123" }, from("192.0.2.1")))).toBe("invalid");
      expect(await outcome(auth({ email: "", password: "" }, from("192.0.2.1")))).toBe("invalid");
      await setDisabled("carol@example.com", true, ADMIN);
      expect(await outcome(auth({ email: "carol@example.com", password: "wrong guess 123" }, from("192.0.2.1")))).toBe("invalid");
      expect(await outcome(auth({ email: "carol@example.com", password: "another long passphrase" }, from("192.0.2.1")))).toBe("ACCOUNT_DISABLED");
      await setDisabled("carol@example.com", false, ADMIN);
    }, SLOW);

    it("records failures and lockouts with the client address, and never a password", async () => {
      const rows = await getDb().auditEvent.findMany({ where: { action: { in: ["auth.sign_in_failed", "auth.lockout"] } } });
      expect(rows.some((r) => r.action === "auth.sign_in_failed" && r.clientAddress === "203.0.113.66" && r.target === "victim0@example.com")).toBe(true);
      expect(rows.some((r) => r.action === "auth.lockout" && r.clientAddress === "198.51.100.23" && r.detail?.includes('"scope":"pair"'))).toBe(true);
      expect(rows.some((r) => r.action === "auth.lockout" && r.clientAddress === "203.0.113.66" && r.detail?.includes('"scope":"address"'))).toBe(true);
      const all = await allAuditText();
      for (const secret of [password, "wrong guess", "another long passphrase"]) expect(all).not.toContain(secret);
    });
  });

  describe("finding 4: sessions end on the server", () => {
    type Jwt = (p: { token: Record<string, unknown>; user?: unknown }) => Promise<Record<string, unknown>>;
    const callbacks = () => getAuthOptions().callbacks as unknown as { jwt: Jwt; session: (p: { token: object; session: object }) => Promise<{ user?: { id: string } }> };
    const events = () => getAuthOptions().events as unknown as { signOut: (p: { token: Record<string, unknown> }) => Promise<void> };

    it("sign-out ends the session: the same cookie no longer works", async () => {
      const bob = await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
      const token = await callbacks().jwt({ token: {}, user: { id: bob.id, meta: { method: "password", address: "192.0.2.9" } } });
      expect(token).toEqual({ sub: bob.id, sid: expect.stringMatching(/^[\w-]{43}$/) });
      const again = await callbacks().jwt({ token: { ...token } });
      expect((await callbacks().session({ token: again, session: {} })).user?.id).toBe(bob.id);
      await events().signOut({ token });
      await expect(callbacks().jwt({ token: { ...token } })).rejects.toThrow("the session has ended");
      const stored = await getDb().userSession.findMany({ where: { userId: bob.id } });
      expect(JSON.stringify(stored)).not.toContain(String(token.sid));
    });

    it("a password change ends every other session at once; the current one stays", async () => {
      const bob = await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
      const laptop = await startTestSession(bob.id, "192.0.2.10");
      const phone = await startTestSession(bob.id, "192.0.2.11");
      actWithSessionToken(laptop);
      const wrong = await call(passwordRoute.POST, { method: "POST", body: { currentPassword: "not the password", newPassword: "a brand new passphrase" } });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details[0].path).toBe("currentPassword");
      const weak = await call(passwordRoute.POST, { method: "POST", body: { currentPassword: password, newPassword: "password1234" } });
      expect(weak.body.error.details[0]).toMatchObject({ path: "newPassword" });
      const ok = await call(passwordRoute.POST, { method: "POST", body: { currentPassword: password, newPassword: "a brand new passphrase" } });
      expect(ok.status).toBe(200);
      expect(ok.body.endedSessions).toBeGreaterThanOrEqual(1);
      expect(await resolveSession(phone)).toBeNull();
      expect(await resolveSession(laptop)).not.toBeNull();
      actWithSessionToken(phone);
      expect((await call(projectsRoute.GET)).status).toBe(401);
      const auth = authorize();
      expect(await outcome(auth({ email: "bob@example.com", password }, from("192.0.2.12")))).toBe("invalid");
      expect(await outcome(auth({ email: "bob@example.com", password: "a brand new passphrase" }, from("192.0.2.12")))).toBe("ok");
    }, SLOW);

    it("lists sessions, ends one, signs out everywhere; another account's session is not found", async () => {
      const bob = await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
      const carol = await getDb().user.findUniqueOrThrow({ where: { email: "carol@example.com" } });
      const a = await startTestSession(bob.id, "192.0.2.20");
      const b = await startTestSession(bob.id, "192.0.2.21");
      const c = await startTestSession(carol.id, "192.0.2.22");
      const list = await callAs({ token: a }, sessionsRoute.GET);
      const mine = list.body.sessions as { id: string; current: boolean; address: string }[];
      expect(mine.filter((s) => s.current)).toHaveLength(1);
      const other = mine.find((s) => s.address === "192.0.2.21")!;
      const carolsId = (await resolveSession(c))!.sessionId;
      expect((await callAs({ token: a }, sessionRoute.DELETE, { method: "DELETE", params: { sessionId: carolsId } })).status).toBe(404);
      expect((await callAs({ token: a }, sessionRoute.DELETE, { method: "DELETE", params: { sessionId: other.id } })).status).toBe(200);
      expect(await resolveSession(b)).toBeNull();
      expect((await callAs({ token: a }, sessionsRoute.DELETE, { method: "DELETE" })).status).toBe(200);
      expect(await resolveSession(a)).toBeNull();
      expect(await resolveSession(c)).not.toBeNull();
    });

    it("disabling an account ends all its sessions at once; deleting one removes them", async () => {
      const carol = await getDb().user.findUniqueOrThrow({ where: { email: "carol@example.com" } });
      const s = await startTestSession(carol.id);
      expect((await setDisabled(carol.email, true, ADMIN)).endedSessions).toBeGreaterThanOrEqual(1);
      expect(await resolveSession(s)).toBeNull();
      signInAs(carol.id);
      expect((await call(projectsRoute.GET)).status).toBe(401);
      await setDisabled(carol.email, false, ADMIN);
      expect(await resolveSession(s)).toBeNull(); // enabling does not bring sessions back
      await deleteAccount(carol.email, ADMIN);
      expect(await getDb().userSession.count({ where: { userId: carol.id } })).toBe(0);
    });
  });

  describe("finding 5: GitHub sign-in never joins an account by email", () => {
    it("a pre-registered account with the victim's email is not joined, and its password gains nothing", async () => {
      const squatter = await makeUser({ email: "victim@example.com" });
      const result = await githubSignIn({ githubId: "gh-victim", verifiedEmail: "victim@example.com", name: "Victim", signedInUserId: null, address: "192.0.2.30" });
      expect(result).toEqual({ ok: false, code: "GITHUB_EMAIL_IN_USE" });
      expect((await getDb().user.findUniqueOrThrow({ where: { id: squatter.id } })).githubId).toBeNull();
    });

    it("links only from inside the signed-in account, then signs that account in; refuses a second account", async () => {
      const bob = await getDb().user.findUniqueOrThrow({ where: { email: "bob@example.com" } });
      const linked = await githubSignIn({ githubId: "gh-bob", verifiedEmail: "someone-else@example.com", name: null, signedInUserId: bob.id, address: "192.0.2.31" });
      expect(linked).toMatchObject({ ok: true, account: { id: bob.id } });
      expect(await githubSignIn({ githubId: "gh-bob", verifiedEmail: null, name: null, signedInUserId: null, address: "x" })).toMatchObject({ ok: true, account: { id: bob.id } });
      const other = await makeUser();
      expect(await githubSignIn({ githubId: "gh-bob", verifiedEmail: null, name: null, signedInUserId: other.id, address: "x" })).toEqual({ ok: false, code: "GITHUB_LINKED_ELSEWHERE" });
    });

    it("makes a new account only when open sign-up allows the verified email", async () => {
      expect(await githubSignIn({ githubId: "gh-new", verifiedEmail: "new@example.net", name: null, signedInUserId: null, address: "x" })).toEqual({ ok: false, code: "SIGN_UP_CLOSED" });
      expect(await githubSignIn({ githubId: "gh-new", verifiedEmail: null, name: null, signedInUserId: null, address: "x" })).toEqual({ ok: false, code: "GITHUB_EMAIL_UNVERIFIED" });
      await updateInstanceSettings({ openSignUp: true, signUpDomains: ["example.net"] }, ADMIN);
      expect(await githubSignIn({ githubId: "gh-new", verifiedEmail: "new@example.net", name: null, signedInUserId: null, address: "x" })).toMatchObject({ ok: true, account: { email: "new@example.net", isAdmin: false } });
      await updateInstanceSettings({ openSignUp: false, signUpDomains: [] }, ADMIN);
    });
  });

  describe("admins see security events and the sign-up policy", () => {
    it("shows events to admins only, newest first, with addresses and pages; validates settings", async () => {
      const admin = await getDb().user.findFirstOrThrow({ where: { isAdmin: true } });
      // Not bob: finding 1's race of two admins demoting each other leaves either of them the admin.
      const plain = await makeUser();
      signInAs(plain.id);
      expect((await call(eventsRoute.GET)).status).toBe(404);
      expect((await call(settingsRoute.GET)).status).toBe(404);
      signInAs(admin.id);
      const page = await call(eventsRoute.GET, { path: "/api/dashboard/admin/security-events" });
      expect(page.status).toBe(200);
      const actions = new Set(page.body.events.map((e: { action: string }) => e.action));
      expect(page.body.events).toHaveLength(50);
      expect(page.body.nextCursor).toEqual(expect.any(String));
      const times = page.body.events.map((e: { at: string }) => e.at);
      expect([...times].sort().reverse()).toEqual(times);
      const older = await call(eventsRoute.GET, { path: `/api/dashboard/admin/security-events?cursor=${page.body.nextCursor}` });
      expect(older.body.events[0].id).not.toBe(page.body.events[0].id);
      const everything = [...page.body.events, ...older.body.events].map((e: { action: string }) => e.action);
      for (const a of ["auth.sign_in", "session.revoke_all", "account.disable"]) expect([...actions, ...everything]).toContain(a);
      const filtered = await call(eventsRoute.GET, { path: "/api/dashboard/admin/security-events?action=auth.lockout" });
      expect(filtered.body.events.every((e: { action: string }) => e.action === "auth.lockout")).toBe(true);
      expect((await call(eventsRoute.GET, { path: "/api/dashboard/admin/security-events?action=nope" })).status).toBe(400);

      const bad = await call(settingsRoute.PUT, { method: "PUT", body: { openSignUp: true, signUpDomains: ["https://example.com"] } });
      expect(bad.status).toBe(400);
      const saved = await call(settingsRoute.PUT, { method: "PUT", body: { openSignUp: true, signUpDomains: [" Example.COM "] } });
      expect(saved.body.settings).toEqual({ openSignUp: true, signUpDomains: ["example.com"] });
      await call(settingsRoute.PUT, { method: "PUT", body: { openSignUp: false, signUpDomains: [] } });
    });
  });
});
