import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: {
      // Server modules start with `import "server-only"`; outside Next that
      // package throws on purpose, so tests load an empty module instead.
      "server-only": path.join(root, "test/stubs/server-only.ts"),
      "@": root,
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "sdk/**/*.test.ts", "scripts/**/*.test.ts", "test/unit/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/node_modules/**", "sdk/dist/**"],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          exclude: ["**/node_modules/**", "sdk/dist/**"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        extends: true,
        test: {
          // Against the production build (npm run build) served by next
          // start over real HTTP, on SQLite and on PostgreSQL.
          name: "http",
          include: ["**/*.http.test.ts"],
          exclude: ["**/node_modules/**", "sdk/dist/**"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // npm run test:adversarial (ADV_SCALE=short for the CI version).
          name: "adversarial",
          include: ["test/adversarial/**/*.adv.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
