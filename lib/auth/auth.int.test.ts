// Sign-up and sign-in on real SQLite and PostgreSQL: the first account (and
// only one, even when two sign up at once) becomes the instance admin;
// duplicate emails and short passwords are refused; credentials sign-in
// checks the scrypt hash and is rate limited.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { describeEachProvider } from "@/test/providers";
import { getDb } from "@/lib/db/client";
import { resetProcessSingletons } from "@/lib/singleton";
import { call } from "@/lib/dashboard/testing";
import * as signUp from "@/app/api/dashboard/sign-up/route";
import { getAuthOptions } from "./options";
import { SIGN_IN_LIMITS } from "./rate-limit";

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

const password = "a long enough password";

describeEachProvider("accounts", () => {
  beforeAll(() => resetProcessSingletons());

  describe("POST /sign-up", () => {
    it("makes exactly one admin when the first two accounts sign up at the same time", async () => {
      const results = await Promise.all(
        ["first@example.com", "second@example.com", "third@example.com"].map((email, i) =>
          call(signUp.POST, { method: "POST", body: { email, password }, headers: { "x-forwarded-for": `10.0.0.${i}` } }),
        ),
      );
      for (const r of results) expect(r.status).toBe(201);
      expect(results.filter((r) => r.body.account.isAdmin)).toHaveLength(1);
      expect(await getDb().user.count({ where: { isAdmin: true } })).toBe(1);
      const stored = await getDb().user.findUniqueOrThrow({ where: { email: "first@example.com" } });
      expect(stored.passwordHash).toMatch(/^scrypt\$1\$\d+\$\d+\$\d+\$[\w-]+\$[\w-]+$/);
      expect(stored.passwordHash).not.toContain(password);
    });

    it("refuses a taken email (any case), a short password, a bad email and cross-site posts", async () => {
      const dup = await call(signUp.POST, { method: "POST", body: { email: "FIRST@example.com", password } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe("CONFLICT");
      const short = await call(signUp.POST, { method: "POST", body: { email: "new@example.com", password: "123456789" } });
      expect(short.status).toBe(400);
      expect(short.body.error.details[0]).toEqual({ path: "password", message: "Use at least 10 characters." });
      expect((await call(signUp.POST, { method: "POST", body: { email: "nope", password } })).body.error.details[0].path).toBe("email");
      expect((await call(signUp.POST, { method: "POST", body: { email: "x@example.com", password }, headers: { origin: "http://evil.test" } })).status).toBe(403);
    });
  });

  describe("credentials sign-in", () => {
    it("accepts the right password (email case-insensitive) and refuses a wrong one or an unknown account", async () => {
      const auth = authorize();
      const req = { headers: { "x-forwarded-for": "192.0.2.1" } };
      expect(await auth({ email: "First@Example.com", password }, req)).toMatchObject({ email: "first@example.com" });
      expect(await auth({ email: "first@example.com", password: "wrong password!" }, req)).toBeNull();
      expect(await auth({ email: "ghost@example.com", password }, req)).toBeNull();
      expect(await auth({ email: "", password: "" }, req)).toBeNull();
    });

    it("limits attempts per email, even with the right password after the limit", async () => {
      const auth = authorize();
      for (let i = 0; i < SIGN_IN_LIMITS.perEmail.max; i++) {
        expect(await auth({ email: "second@example.com", password: "wrong password!" }, { headers: { "x-forwarded-for": `198.51.100.${i}` } })).toBeNull();
      }
      await expect(auth({ email: "second@example.com", password }, { headers: { "x-forwarded-for": "203.0.113.9" } })).rejects.toThrow("RATE_LIMITED");
      // Another account is not affected.
      expect(await auth({ email: "third@example.com", password }, { headers: { "x-forwarded-for": "203.0.113.9" } })).not.toBeNull();
    });
  });
});
