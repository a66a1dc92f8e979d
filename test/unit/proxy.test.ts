// proxy.ts: the Host check, the nonce CSP and HSTS (finding 6), and the
// existing /api/v1 percent-encoding answer.
import { afterEach, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import { proxy } from "@/proxy";

const saved = { PUBLIC_URL: process.env.PUBLIC_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

const req = (url: string, host: string) => new NextRequest(url, { headers: { host } });

describe("proxy", () => {
  it("refuses another Host than the public URL's (DNS rebinding), for pages and dashboard APIs", async () => {
    process.env.PUBLIC_URL = "https://vault.example.com";
    const page = proxy(req("https://vault.example.com/sign-up", "evil.example:3000"));
    expect(page.status).toBe(421);
    const api = proxy(req("https://vault.example.com/api/dashboard/sign-up", "evil.example:3000"));
    expect(api.status).toBe(421);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("FORBIDDEN");
  });

  it("gives pages a fresh nonce CSP with frame-ancestors 'none', and HSTS on https", () => {
    process.env.PUBLIC_URL = "https://vault.example.com";
    const a = proxy(req("https://vault.example.com/sign-in", "vault.example.com"));
    const b = proxy(req("https://vault.example.com/sign-in", "vault.example.com"));
    const csp = a.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{20,}' 'strict-dynamic'/);
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(b.headers.get("content-security-policy")).not.toBe(csp);
    expect(a.headers.get("strict-transport-security")).toBe("max-age=31536000");
    // The nonce reaches Next's renderer through the request headers.
    expect(a.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
  });

  it("no HSTS over http; loopback works without a public URL", () => {
    delete process.env.PUBLIC_URL;
    delete process.env.NEXTAUTH_URL;
    const res = proxy(req("http://127.0.0.1:3000/projects", "127.0.0.1:3000"));
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toBeNull();
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(proxy(req("http://evil.example:3000/projects", "evil.example:3000")).status).toBe(421);
  });

  it("still answers a malformed /api/v1 percent-encoding with the contract's 400", async () => {
    const res = proxy(req("http://127.0.0.1:3000/api/v1/stores/%zz", "anything.example"));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("INVALID_REQUEST");
  });
});
