import { afterEach, describe, expect, it } from "vitest";
import { configuredPublicUrl } from "./public-url";

const saved = { nextauth: process.env.NEXTAUTH_URL, public: process.env.PUBLIC_URL };
afterEach(() => {
  for (const [name, value] of [["NEXTAUTH_URL", saved.nextauth], ["PUBLIC_URL", saved.public]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("configuredPublicUrl", () => {
  it("prefers PUBLIC_URL", () => {
    process.env.PUBLIC_URL = "https://vault.example.org";
    delete process.env.NEXTAUTH_URL;
    expect(configuredPublicUrl()).toBe("https://vault.example.org");
    delete process.env.PUBLIC_URL;
  });

  it("is NEXTAUTH_URL's origin, without next-auth's path or a trailing slash", () => {
    process.env.NEXTAUTH_URL = "https://vault.example.com/api/auth";
    expect(configuredPublicUrl()).toBe("https://vault.example.com");
    process.env.NEXTAUTH_URL = " http://10.0.0.5:8080/ ";
    expect(configuredPublicUrl()).toBe("http://10.0.0.5:8080");
  });

  it("is null when NEXTAUTH_URL is unset, empty or not a URL (the page then uses the browser's origin)", () => {
    delete process.env.NEXTAUTH_URL;
    expect(configuredPublicUrl()).toBeNull();
    process.env.NEXTAUTH_URL = "";
    expect(configuredPublicUrl()).toBeNull();
    process.env.NEXTAUTH_URL = "vault.example.com";
    expect(configuredPublicUrl()).toBeNull();
  });
});
