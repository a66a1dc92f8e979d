import { afterEach, describe, expect, it, vi } from "vitest";
import { buildAuthOptions, sessionCookieName } from "./options";

process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";
const saved = { PUBLIC_URL: process.env.PUBLIC_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe("session cookie (finding 6: no Secure without an https NEXTAUTH_URL)", () => {
  it("is Secure and __Secure- prefixed whenever PUBLIC_URL is https, even without NEXTAUTH_URL", () => {
    delete process.env.NEXTAUTH_URL;
    process.env.PUBLIC_URL = "https://vault.example.com";
    const options = buildAuthOptions();
    expect(options.useSecureCookies).toBe(true);
    expect(sessionCookieName()).toBe("__Secure-next-auth.session-token");
    expect(process.env.NEXTAUTH_URL).toBe("https://vault.example.com");
    expect(options.session).toMatchObject({ strategy: "jwt", maxAge: 30 * 24 * 60 * 60 });
  });

  it("is not Secure on a plain-http local URL", () => {
    delete process.env.PUBLIC_URL;
    process.env.NEXTAUTH_URL = "http://127.0.0.1:3000";
    expect(buildAuthOptions().useSecureCookies).toBe(false);
    expect(sessionCookieName()).toBe("next-auth.session-token");
  });
});

describe("next-auth's logger", () => {
  it("says each configuration warning once per process, not on every sign-in", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const logger = buildAuthOptions().logger!;
      for (let i = 0; i < 3; i++) logger.warn!("NEXTAUTH_URL");
      logger.warn!("DEBUG_ENABLED");
      // A fresh options object (built per request in places) shares the same memory.
      buildAuthOptions().logger!.warn!("NEXTAUTH_URL");
      const lines = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as { msg: string; code: string });
      expect(lines.filter((l) => l.msg === "next-auth warning").map((l) => l.code)).toEqual(["NEXTAUTH_URL", "DEBUG_ENABLED"]);
    } finally {
      warn.mockRestore();
    }
  });
});
