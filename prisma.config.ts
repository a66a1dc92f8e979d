// Prisma CLI config. The JS/WASM engines keep every CLI step offline (no
// Rust engine download). PRISMA_PROVIDER picks which of the two schemas a
// CLI call works on; the app itself never runs the CLI against real data
// (migrations are applied by lib/db/migrate.ts).
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

const provider = process.env.PRISMA_PROVIDER === "postgres" ? "postgres" : "sqlite";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: `prisma/${provider}/schema.prisma`,
  async adapter() {
    if (provider === "postgres") {
      return new PrismaPg({ connectionString: process.env.DATABASE_URL ?? "postgresql://127.0.0.1:5432/postgres" });
    }
    return new PrismaBetterSQLite3({ url: process.env.DATABASE_URL ?? "file:./data/vault.db" });
  },
});
