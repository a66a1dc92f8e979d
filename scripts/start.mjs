// npm start: builds the app on first run (or when the build is older than
// the installed dependencies), then serves it with next start. Migrations
// run inside the server before it takes requests (instrumentation.ts).
import { existsSync, statSync } from "node:fs";
import { spawnSync, spawn } from "node:child_process";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const buildId = ".next/BUILD_ID";
const stale = !existsSync(buildId) || statSync(buildId).mtimeMs < statSync("node_modules/.package-lock.json").mtimeMs;
if (stale || process.argv.includes("--build")) {
  console.log("data-vault: building the app (first start takes a minute)...");
  const r = spawnSync("npm", ["run", "build"], { stdio: "inherit", env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const port = process.env.PORT ?? "3000";
const host = process.env.HOST ?? "0.0.0.0";
const child = spawn("npx", ["next", "start", "-p", port, "-H", host], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));
