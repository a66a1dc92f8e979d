import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// Debian's Chromium when it is installed (these machines cannot download
// Playwright's browsers); Playwright's own browser elsewhere.
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const port = Number(process.env.E2E_PORT ?? 3210);
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), "dv-e2e-"));
process.env.E2E_DATA_DIR = dataDir;

export default defineConfig({
  testDir: "e2e",
  outputDir: "e2e/artifacts/results",
  // Leaves room for a machine three times slower than the one it was written on.
  timeout: 90_000,
  // Room for a slow, shared machine (2 cores, several sessions at once).
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [
    ["list"],
    ["html", { outputFolder: "e2e/artifacts/report", open: "never" }],
    // npm test (scripts/test-all.mjs) reads the counts from this report.
    ...(process.env.E2E_JSON_REPORT ? [["json", { outputFile: process.env.E2E_JSON_REPORT }] as const] : []),
  ],
  // Accounts and projects are made through the admin CLI, not the UI.
  globalSetup: "./e2e/global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // A click or a navigation that cannot happen fails within a minute, not at the test's long budget.
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    permissions: ["clipboard-read", "clipboard-write"],
    launchOptions: {
      executablePath: systemChromium,
      args: systemChromium
        ? ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
        : [],
    },
  },
  // The journey at both sizes and in dark mode; the timings once, on desktop.
  projects: [
    { name: "desktop", use: { browserName: "chromium", viewport: { width: 1440, height: 900 }, colorScheme: "light" } },
    {
      name: "phone",
      use: { browserName: "chromium", viewport: { width: 390, height: 844 }, colorScheme: "light", hasTouch: true, isMobile: true, deviceScaleFactor: 1 },
      testIgnore: ["perf.spec.ts", "smoke.spec.ts", "accounts.spec.ts", "security-audit.spec.ts"],
    },
    {
      name: "dark",
      use: { browserName: "chromium", viewport: { width: 1440, height: 900 }, colorScheme: "dark" },
      testIgnore: ["perf.spec.ts", "smoke.spec.ts", "accounts.spec.ts", "security-audit.spec.ts"],
    },
  ],
  webServer: {
    // The production build (npm run build) served as npm start serves it
    // (dist/server.mjs), on a fresh SQLite database in a temporary data
    // directory. NEXTAUTH_URL is deliberately unset (every variable is
    // optional): sign-out must still stay on this origin.
    command: "env -u NEXTAUTH_URL -u PUBLIC_URL node dist/server.mjs",
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      NODE_ENV: "production",
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, "vault.db")}`,
      NEXT_TELEMETRY_DISABLED: "1",
      VAULT_LOG: process.env.VAULT_LOG ?? "on",
    },
  },
});
