import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveAuthSecret } from "./secret";

describe("resolveAuthSecret", () => {
  it("uses NEXTAUTH_SECRET when set, and refuses a short one", () => {
    expect(resolveAuthSecret({ NEXTAUTH_SECRET: "s".repeat(40) })).toBe("s".repeat(40));
    expect(() => resolveAuthSecret({ NEXTAUTH_SECRET: "short" })).toThrow(/NEXTAUTH_SECRET/);
  });

  it("generates $DATA_DIR/auth.secret once (mode 0600) and reuses it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "dv-secret-"));
    const env = { DATA_DIR: path.join(dir, "data") };
    const first = resolveAuthSecret(env);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(resolveAuthSecret(env)).toBe(first);
    const file = path.join(dir, "data", "auth.secret");
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("is a start-up error in production on PostgreSQL without NEXTAUTH_SECRET", () => {
    expect(() => resolveAuthSecret({ NODE_ENV: "production", DATABASE_URL: "postgresql://u@db/vault" })).toThrow(
      /NEXTAUTH_SECRET: required in production on PostgreSQL/,
    );
  });
});
