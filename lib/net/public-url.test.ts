import { describe, expect, it } from "vitest";
import { hostAllowed, linkBase, originAllowed, publicUrl, publicUrlIsHttps } from "./public-url";

describe("public URL, Host and Origin checks (finding 6: the origin check trusted Host)", () => {
  const env = { PUBLIC_URL: "https://vault.example.com" };

  it("with a public URL, only its host and its origin", () => {
    expect(hostAllowed("vault.example.com", env)).toBe(true);
    expect(hostAllowed("VAULT.example.com", env)).toBe(true);
    // DNS rebinding: the attacker's name resolving to this server.
    expect(hostAllowed("evil.example:3000", env)).toBe(false);
    expect(hostAllowed("127.0.0.1:3000", env)).toBe(false);
    expect(originAllowed("https://vault.example.com", "vault.example.com", env)).toBe(true);
    expect(originAllowed("http://evil.example:3000", "evil.example:3000", env)).toBe(false);
    expect(originAllowed("http://vault.example.com", "vault.example.com", env)).toBe(false);
    expect(publicUrlIsHttps(env)).toBe(true);
    expect(linkBase(env, "evil.example")).toBe("https://vault.example.com");
  });

  it("without one, only loopback names and IP literals (a rebinding attack needs a DNS name)", () => {
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "192.0.2.5", "app.localhost"]) expect(hostAllowed(host, {})).toBe(true);
    for (const host of ["evil.example", "evil.example:3000", "0x7f.1", "", "[::1"]) expect(hostAllowed(host, {})).toBe(false);
    expect(originAllowed("http://127.0.0.1:3000", "127.0.0.1:3000", {})).toBe(true);
    expect(originAllowed("http://evil.example:3000", "evil.example:3000", {})).toBe(false);
    expect(originAllowed("http://localhost:3000", "127.0.0.1:3000", {})).toBe(false);
    expect(publicUrlIsHttps({})).toBe(false);
    expect(linkBase({ PORT: "3001" }, null)).toBe("http://localhost:3001");
  });

  it("NEXTAUTH_URL works too; unusable or conflicting values name the variable", () => {
    expect(publicUrl({ NEXTAUTH_URL: "http://127.0.0.1:3300" })?.host).toBe("127.0.0.1:3300");
    expect(() => publicUrl({ PUBLIC_URL: "vault.example.com" })).toThrow(/PUBLIC_URL: not a URL/);
    expect(() => publicUrl({ PUBLIC_URL: "ftp://vault.example.com" })).toThrow(/PUBLIC_URL: use an http/);
    expect(() => publicUrl({ PUBLIC_URL: "https://a.example", NEXTAUTH_URL: "https://b.example" })).toThrow(/different origins/);
  });
});
