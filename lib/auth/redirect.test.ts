import { describe, expect, it } from "vitest";
import { HOME_PATH, safeRedirectPath, safeRedirectUrl } from "./redirect";

describe("redirects after sign-in stay on this site (finding 3)", () => {
  // What the sign-in page receives in ?callbackUrl= after URL decoding, for
  // the payloads and their relatives.
  it.each([
    ["/\\evil.example"], // callbackUrl=/%5Cevil.example
    ["/\t/evil.example"], // callbackUrl=/%09/evil.example
    ["//evil.example"],
    ["/%5Cevil.example"], // double-encoded
    ["/%09/evil.example"],
    ["/%2F/evil.example"],
    ["https://evil.example/projects"],
    ["javascript:alert(1)"],
    ["evil.example"],
    ["/\n/evil.example"],
    [" /projects"],
    [""],
  ])("%j goes to the dashboard home", (payload) => {
    expect(safeRedirectPath(payload)).toBe(HOME_PATH);
  });

  it("keeps same-site paths with their query and fragment", () => {
    expect(safeRedirectPath("/projects/abc/keys?x=1#top")).toBe("/projects/abc/keys?x=1#top");
    expect(safeRedirectPath("/invite")).toBe("/invite");
    expect(safeRedirectPath(null)).toBe(HOME_PATH);
  });

  it("next-auth's redirect callback: only this origin", () => {
    const base = "https://vault.example.com";
    expect(safeRedirectUrl("/projects/p1", base)).toBe("https://vault.example.com/projects/p1");
    expect(safeRedirectUrl("https://vault.example.com/settings", base)).toBe("https://vault.example.com/settings");
    expect(safeRedirectUrl("https://evil.example/", base)).toBe("https://vault.example.com/projects");
    expect(safeRedirectUrl("/\\evil.example", base)).toBe("https://vault.example.com/projects");
    expect(safeRedirectUrl("https://vault.example.com.evil.example/", base)).toBe("https://vault.example.com/projects");
  });
});
