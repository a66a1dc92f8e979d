// Seeds the e2e database (accounts and one shared project per viewport)
// through the admin CLI's commands, after the web server has started and
// migrated it. The project ids reach the tests as E2E_TEAMS.
import { execFileSync } from "node:child_process";
import path from "node:path";

export default function globalSetup() {
  const dataDir = process.env.E2E_DATA_DIR!;
  const out = execFileSync("npx", ["tsx", "--conditions=react-server", "e2e/seed.ts"], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "vault.db")}`, VAULT_LOG: "off" },
    encoding: "utf8",
    timeout: 120_000,
  });
  const line = out.trim().split("\n").at(-1)!;
  process.env.E2E_TEAMS = JSON.stringify((JSON.parse(line) as { teams: Record<string, string> }).teams);
}
