// The SQLite and PostgreSQL schemas are generated from one model file;
// this fails when either was edited by hand or not regenerated, and when
// the two migration folders no longer hold the same migrations.
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("schema drift", () => {
  it("both provider schemas match prisma/schema.models.prisma", () => {
    expect(() => execFileSync("node", ["scripts/gen-schemas.mjs", "--check"], { stdio: "pipe" })).not.toThrow();
  });

  it("both providers have the same migrations, in the same order", () => {
    const sqlite = readdirSync("prisma/sqlite/migrations").sort();
    const postgres = readdirSync("prisma/postgres/migrations").sort();
    expect(sqlite.length).toBeGreaterThan(0);
    expect(postgres).toEqual(sqlite);
  });
});
