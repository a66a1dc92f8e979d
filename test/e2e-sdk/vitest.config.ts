// Runs only the end-to-end SDK test, without the repository's vitest
// projects: npx vitest run --config test/e2e-sdk/vitest.config.ts
// (needs a production build; see github-token.http.test.ts).
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: path.resolve(import.meta.dirname, "..", ".."),
    include: ["test/e2e-sdk/**/*.http.test.ts"],
    testTimeout: 90_000,
    hookTimeout: 180_000,
  },
});
