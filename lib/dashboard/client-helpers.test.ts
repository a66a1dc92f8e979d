import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { formatRelative, plural } from "./format";
import { createServerKeySchema, createStoreSchema, fieldErrors, signUpSchema } from "./schemas";
import { quickStartSnippet, storeSnippet } from "./snippets";

describe("dashboard schemas", () => {
  it("checks store ids with the API's rule", () => {
    expect(createStoreSchema.safeParse({ storeId: "oauth-tokens", displayName: "OAuth" }).success).toBe(true);
    for (const storeId of ["-x", "", "a b", "é", "x".repeat(64)]) {
      expect(createStoreSchema.safeParse({ storeId, displayName: "X" }).success).toBe(false);
    }
    expect(createStoreSchema.safeParse({ storeId: "x".repeat(63), displayName: "X" }).success).toBe(true);
  });

  it("gives one message per field and normalises emails", () => {
    const r = signUpSchema.safeParse({ email: " A@Example.COM ", password: "short" });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!)).toEqual({ password: "Use at least 10 characters." });
    expect(signUpSchema.parse({ email: " A@Example.COM ", password: "long enough!" }).email).toBe("a@example.com");
  });

  it("server key scope: null for all stores, else a non-empty list without duplicates", () => {
    expect(createServerKeySchema.safeParse({ name: "k", stores: null, readOnly: false }).success).toBe(true);
    expect(createServerKeySchema.safeParse({ name: "k", stores: [], readOnly: false }).success).toBe(false);
    expect(createServerKeySchema.safeParse({ name: "k", stores: ["a", "a"], readOnly: false }).success).toBe(false);
  });
});

describe("snippets", () => {
  it("fill in the store id and base URL safely quoted", () => {
    expect(storeSnippet("https://vault.example.com", "oauth-tokens")).toContain('getDataVaultStore("oauth-tokens")');
    expect(storeSnippet("https://vault.example.com", "x")).toContain('baseUrl: "https://vault.example.com"');
    expect(quickStartSnippet().split("\n")).toHaveLength(2);
  });
});

describe("format and ApiError", () => {
  it("formats relative times", () => {
    const now = Date.parse("2026-01-10T12:00:00Z");
    expect(formatRelative(null, now)).toBe("Never");
    expect(formatRelative("2026-01-10T11:59:50Z", now)).toBe("just now");
    expect(formatRelative("2026-01-10T11:50:00Z", now)).toBe("10 min ago");
    expect(formatRelative("2026-01-09T12:00:00Z", now)).toBe("yesterday");
    expect(plural(1, "entry", "entries")).toBe("1 entry");
    expect(plural(2, "entry", "entries")).toBe("2 entries");
  });

  it("ApiError finds a field message", () => {
    const e = new ApiError(400, "INVALID_REQUEST", "bad", [{ path: "storeId", message: "nope" }]);
    expect(e.field("storeId")).toBe("nope");
    expect(e.field("name")).toBeUndefined();
  });
});
