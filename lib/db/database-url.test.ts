import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseDatabaseUrl } from "./database-url";

describe("parseDatabaseUrl", () => {
  it("defaults to a SQLite file in the data directory", () => {
    const t = parseDatabaseUrl({});
    expect(t).toMatchObject({ provider: "sqlite", file: path.resolve("data/vault.db") });
    expect(parseDatabaseUrl({ DATA_DIR: "/tmp/x" })).toMatchObject({ file: "/tmp/x/vault.db" });
  });

  it("reads file: and postgres URLs", () => {
    expect(parseDatabaseUrl({ DATABASE_URL: "file:/var/lib/dv/v.db" })).toMatchObject({ provider: "sqlite", file: "/var/lib/dv/v.db" });
    const pgTarget = parseDatabaseUrl({ DATABASE_URL: "postgresql://u:hunter2@db:5432/vault" });
    expect(pgTarget).toMatchObject({ provider: "postgres", display: "postgresql://u@db:5432/vault" });
    expect(JSON.stringify(pgTarget).includes("hunter2") && pgTarget.provider === "postgres" && !pgTarget.display.includes("hunter2")).toBe(true);
    expect(parseDatabaseUrl({ DATABASE_URL: "postgres://db/vault" }).provider).toBe("postgres");
  });

  it("rejects an unknown scheme with a message naming the variable and no password", () => {
    expect(() => parseDatabaseUrl({ DATABASE_URL: "mysql://root:pw@db/x" })).toThrow(ConfigError);
    expect(() => parseDatabaseUrl({ DATABASE_URL: "mysql://root:pw@db/x" })).toThrow(/^DATABASE_URL: unsupported scheme "mysql"/);
    expect(() => parseDatabaseUrl({ DATABASE_URL: "mysql://root:pw@db/x" })).not.toThrow(/pw/);
    expect(() => parseDatabaseUrl({ DATABASE_URL: "file:" })).toThrow(/DATABASE_URL/);
  });
});
