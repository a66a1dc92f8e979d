// Runs the admin CLI as an operator does: one child process per command,
// with this process's environment (DATABASE_URL, DATA_DIR) plus overrides.
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON output, checked field by field
export type Json = any;
export type CliRun = { code: number; stdout: string; stderr: string; json: Json };

export function cli(args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}): Promise<CliRun> {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    // The compiled CLI, as `npm run admin -- ...` runs it, without npm's start-up.
    const child = spawn(process.execPath, ["dist/cli/admin.mjs", ...args], {
      cwd: ROOT,
      env: env as NodeJS.ProcessEnv,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      let json: Json = null;
      if (args.includes("--json")) {
        try {
          json = JSON.parse(stdout);
        } catch {
          reject(new Error(`not one JSON document on stdout:\n${stdout}\nstderr:\n${stderr}`));
          return;
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
    child.stdin.end(opts.input ?? "");
  });
}
