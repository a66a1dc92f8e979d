import { describe, expect, it } from "vitest";
import { ApiError } from "./api-client";
import { formatDate, formatExact, formatRelative, plural } from "./format";
import { activityQuerySchema, createServerKeySchema, createStoreSchema, fieldErrors, signUpSchema } from "./schemas";
import { caseTwin } from "@/lib/vault/ids";
import { installSnippet, quickStartSnippet, SDK_TARBALL_PATH, storeSnippet } from "./snippets";
import sdkPackage from "@/sdk/package.json";

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
    expect(fieldErrors(r.error!)).toEqual({ password: "Use at least 12 characters." });
    expect(signUpSchema.parse({ email: " A@Example.COM ", password: "long enough!!" }).email).toBe("a@example.com");
  });

  it("server key scope: null for all stores, else a non-empty list without duplicates", () => {
    expect(createServerKeySchema.safeParse({ name: "k", stores: null, readOnly: false }).success).toBe(true);
    expect(createServerKeySchema.safeParse({ name: "k", stores: [], readOnly: false }).success).toBe(false);
    expect(createServerKeySchema.safeParse({ name: "k", stores: ["a", "a"], readOnly: false }).success).toBe(false);
  });
});

describe("store ids without regard to case", () => {
  it("finds the existing id that differs only in case, as it was created", () => {
    expect(caseTwin("OAuth-Tokens", ["other", "oauth-tokens"])).toBe("oauth-tokens");
    expect(caseTwin("oauth-tokens", ["oauth-tokens"])).toBe("oauth-tokens");
    expect(caseTwin("oauth-token", ["oauth-tokens"])).toBeUndefined();
  });

  it("activity ranges: 7, 30 or 90 days", () => {
    expect(activityQuerySchema.parse({ days: "90" })).toEqual({ days: 90 });
    expect(activityQuerySchema.parse({})).toEqual({});
    expect(activityQuerySchema.safeParse({ days: "365" }).success).toBe(false);
    expect(activityQuerySchema.safeParse({ days: "30", extra: "1" }).success).toBe(false);
  });
});

describe("snippets", () => {
  it("fill in the store id and base URL safely quoted", () => {
    expect(storeSnippet("https://vault.example.com", "oauth-tokens")).toContain('getDataVaultStore("oauth-tokens")');
    expect(storeSnippet("https://vault.example.com", "x")).toContain('baseUrl: "https://vault.example.com"');
    expect(quickStartSnippet().split("\n")).toHaveLength(2);
  });

  it("install the SDK from the instance itself, under npm pack's file name for this version", () => {
    expect(SDK_TARBALL_PATH).toBe(`/sdk/data-vault-sdk-${sdkPackage.version}.tgz`);
    expect(installSnippet("https://vault.example.com")).toBe(`npm install https://vault.example.com/sdk/data-vault-sdk-${sdkPackage.version}.tgz`);
    expect(installSnippet("http://127.0.0.1:3000/")).toBe(`npm install http://127.0.0.1:3000/sdk/data-vault-sdk-${sdkPackage.version}.tgz`);
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

  it("formats dates in a given time zone, so server and browser print the same while hydrating", () => {
    const iso = "2026-01-10T23:30:00Z";
    expect(formatDate(iso, "UTC")).toBe("Jan 10, 2026");
    expect(formatDate(iso, "Asia/Tokyo")).toBe("Jan 11, 2026");
    expect(formatExact(iso, "UTC")).toBe("Jan 10, 2026, 11:30:00 PM UTC");
    expect(formatRelative("2025-06-01T00:00:00Z", Date.parse(iso), "UTC")).toBe("Jun 1, 2025");
    expect(formatDate(null)).toBe("—");
    expect(formatExact("not a date")).toBe("");
  });

  it("ApiError finds a field message", () => {
    const e = new ApiError(400, "INVALID_REQUEST", "bad", [{ path: "storeId", message: "nope" }]);
    expect(e.field("storeId")).toBe("nope");
    expect(e.field("name")).toBeUndefined();
  });
});
