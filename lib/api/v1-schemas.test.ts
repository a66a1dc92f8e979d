// Bad input the v1 schemas refuse with a 400 (issue 10, finding 6), with
// the finding's exact payloads: an expiresAt that lands after year 9999 in
// UTC (500 on PostgreSQL, "+010000-..." stored on SQLite) and a value with
// a lone surrogate (silently stored as U+FFFD).
import { describe, expect, it } from "vitest";
import { batchSetBody, MAX_EXPIRES_AT_MS, putBody } from "./v1-schemas";

const issues = (r: { success: boolean; error?: { issues: { message: string }[] } }) => (r.success ? [] : r.error!.issues.map((i) => i.message));

describe("v1 schemas: far-future expiresAt and malformed strings", () => {
  it("refuses an expiresAt after 9999-12-31T23:59:59.999Z in UTC, and accepts the last instant", () => {
    for (const late of ["9999-12-31T23:59:59-01:00", "9999-12-31T23:59:59.999-00:01", "9999-12-31T20:00:00-12:00"]) {
      expect(issues(putBody.safeParse({ value: "ct", expiresAt: late })), late).toEqual(["expiresAt: must be at most 9999-12-31T23:59:59.999Z"]);
    }
    for (const bad of ["+010000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z"]) {
      expect(putBody.safeParse({ value: "ct", expiresAt: bad }).success, bad).toBe(false);
    }
    const last = putBody.safeParse({ value: "ct", expiresAt: "9999-12-31T23:59:59.999Z" });
    expect(last.success && last.data.expiresAt?.getTime()).toBe(MAX_EXPIRES_AT_MS);
    expect(putBody.safeParse({ value: "ct", expiresAt: "9999-12-31T23:59:59+14:00" }).success).toBe(true);
    expect(batchSetBody.safeParse({ entries: [{ key: "b".repeat(43), value: "ct", expiresAt: "9999-12-31T23:59:59-01:00" }] }).success).toBe(false);
  });

  it("refuses a value that is not well-formed UTF-16, keeps astral characters", () => {
    const body = JSON.parse('{"value":"v1.\\ud800abc"}');
    expect(issues(putBody.safeParse(body))[0]).toMatch(/^value: not well-formed Unicode/);
    expect(batchSetBody.safeParse(JSON.parse(`{"entries":[{"key":"${"b".repeat(43)}","value":"\\udfff"}]}`)).success).toBe(false);
    expect(putBody.safeParse({ value: "v1.😀" }).success).toBe(true);
  });
});
