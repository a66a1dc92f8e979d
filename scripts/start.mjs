// npm start: builds the app on first run (or when the build is older than
// the installed dependencies), then runs the production server in this very
// process (dist/server.mjs: Next's handler plus the lean v1 path), so the
// signals a process manager sends reach the server itself: SIGTERM and
// SIGINT drain requests in flight and close the database before exit 0.
// Migrations run inside the server before it takes requests.
import { existsSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";

const outputs = [".next/BUILD_ID", "dist/server.mjs"];
const installed = statSync("node_modules/.package-lock.json").mtimeMs;
const stale = outputs.some((f) => !existsSync(f) || statSync(f).mtimeMs < installed);
if (stale || process.argv.includes("--build")) {
  console.log("data-vault: building the app (first start takes a minute)...");
  const r = spawnSync("npm", ["run", "build"], { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// React and Next read NODE_ENV when they load: production before anything.
process.env.NODE_ENV = "production";
await import(pathToFileURL(path.join(root, "dist/server.mjs")).href);
