// The admin CLI as an operator runs it on the server's machine, against the
// e2e server's database (the data directory playwright.config.ts made).
import { spawnSync } from "node:child_process";
import path from "node:path";

export function adminCli(args: string[], input = ""): { code: number; stdout: string; stderr: string } {
  const dataDir = process.env.E2E_DATA_DIR!;
  const result = spawnSync(process.execPath, ["--import", "./scripts/ensure-cli.mjs", "dist/cli/admin.mjs", ...args], {
    cwd: path.resolve(import.meta.dirname, ".."),
    input,
    encoding: "utf8",
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${path.join(dataDir, "vault.db")}`, VAULT_LOG: "off" },
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** `npm run admin -- user create [--admin]` with the password on stdin. */
export function createUser(email: string, password: string, options: { admin?: boolean } = {}): void {
  const run = adminCli(["user", "create", "--email", email, "--password-stdin", ...(options.admin ? ["--admin"] : [])], `${password}\n`);
  if (run.code !== 0) throw new Error(`user create failed (${run.code}): ${run.stderr}${run.stdout}`);
}
