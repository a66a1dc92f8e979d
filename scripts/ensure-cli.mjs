// Imported first by every compiled CLI file (dist/cli/*.mjs, see
// scripts/build-cli.mjs) and by `npm run admin` / `npm run db:migrate`
// (node --import, which also covers a dist/cli/ that does not exist yet):
// a compiled CLI older than its sources never runs. When a source changed
// it recompiles (about a second) and runs the command again in a fresh
// Node process, since this one has already loaded the old code. When it
// is current, the check costs a few dozen stat calls.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { ROOT, staleReason } from "./build-cli.mjs";

const reason = staleReason();
if (reason) {
  process.stderr.write(`data-vault: compiling the admin CLI first (${reason})\n`);
  const build = spawnSync(process.execPath, [path.join(ROOT, "scripts", "build-cli.mjs")], { stdio: ["ignore", "ignore", "inherit"] });
  if (build.status !== 0) {
    process.stderr.write("data-vault: cannot compile the admin CLI (see above); run `npm install`, then `node scripts/build-cli.mjs`\n");
    process.exit(1);
  }
  const again = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(again.status ?? 1);
}
