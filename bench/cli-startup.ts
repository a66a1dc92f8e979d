// d) Start-up cost of the compiled admin CLI and db:migrate (dist/cli/,
// scripts/build-cli.mjs) next to a bare `node -e 0` measured in the same
// run, interleaved and repeated (single runs here differ by 2x). Targets:
// `--help` and a db:migrate with nothing to apply at most 4 times the bare
// start. The `npm run` forms and a command that reads the database are
// shown for information: npm adds its own start-up, the database command
// adds Prisma's query compiler and the query.
//
// Alone: npx tsx bench/cli-startup.ts [--rounds N]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmt, median, table, verdict } from "./lib/stats";

export const CLI_TARGET_RATIO = 4;

type Variant = { name: string; cmd: string; args: string[]; graded: boolean };
export type CliStartupRow = { name: string; command: string; medianMs: number; minMs: number; ratio: number; graded: boolean; pass: boolean };
export type CliStartupResult = { rounds: number; bareMs: number; rows: CliStartupRow[] };

function run(appDir: string, env: NodeJS.ProcessEnv, cmd: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-1000)}`);
  return ms;
}

export function runCliStartup(opts: { appDir: string; rounds: number }): CliStartupResult {
  const { appDir, rounds } = opts;
  // A fresh SQLite database, migrated, so db:migrate has nothing to apply.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "dv-bench-cli-"));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, VAULT_LOG: "off", NEXT_TELEMETRY_DISABLED: "1" };
  for (const k of ["DATABASE_URL", "VAULT_ROOT_KEY", "NODE_OPTIONS"]) delete env[k];
  const node = process.execPath;
  const variants: Variant[] = [
    { name: "bare Node start", cmd: node, args: ["-e", "0"], graded: false },
    { name: "admin --help", cmd: node, args: ["dist/cli/admin.mjs", "--help"], graded: true },
    { name: "db:migrate, nothing to apply", cmd: node, args: ["dist/cli/migrate.mjs"], graded: true },
    { name: "admin project list (SQLite)", cmd: node, args: ["dist/cli/admin.mjs", "project", "list"], graded: false },
    { name: "npm run admin -- --help", cmd: "npm", args: ["run", "--silent", "admin", "--", "--help"], graded: false },
    { name: "npm run db:migrate", cmd: "npm", args: ["run", "--silent", "db:migrate"], graded: false },
  ];
  try {
    run(appDir, env, node, ["scripts/build-cli.mjs", "--if-stale"]);
    // Warm-up: the migration, the root key, the file cache.
    for (const v of variants) run(appDir, env, v.cmd, v.args);
    const samples = variants.map(() => [] as number[]);
    for (let round = 0; round < rounds; round++) variants.forEach((v, i) => samples[i]!.push(run(appDir, env, v.cmd, v.args)));
    const bareMs = median(samples[0]!);
    const rows = variants.map((v, i) => {
      const medianMs = median(samples[i]!);
      const ratio = medianMs / bareMs;
      return { name: v.name, command: [path.basename(v.cmd), ...v.args].join(" "), medianMs, minMs: Math.min(...samples[i]!), ratio, graded: v.graded, pass: !v.graded || ratio <= CLI_TARGET_RATIO };
    });
    return { rounds, bareMs, rows };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function formatCliStartup(r: CliStartupResult): string {
  const rows = r.rows.map((x, i) => [
    x.name,
    x.command,
    fmt(x.medianMs, 0),
    fmt(x.minMs, 0),
    i === 0 ? "1 (floor)" : fmt(x.ratio, 1),
    x.graded ? `<= ${CLI_TARGET_RATIO}` : i === 0 ? "-" : "(info)",
    x.graded ? verdict(x.pass) : "-",
  ]);
  return table(["what", "command", "median ms", "min ms", "/ bare node", "target", "verdict"], rows);
}

export const cliStartupChecks = (r: CliStartupResult) =>
  r.rows.filter((x) => x.graded).map((x) => ({ name: `cli: ${x.name} <= ${CLI_TARGET_RATIO}x a bare node start`, pass: x.pass }));

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const i = process.argv.indexOf("--rounds");
  const rounds = i > 0 ? Number(process.argv[i + 1]) : 10;
  const result = runCliStartup({ appDir: path.resolve(import.meta.dirname, ".."), rounds });
  console.log(`d) CLI start-up against a bare node start (medians of ${rounds} interleaved rounds; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")})\n`);
  console.log(formatCliStartup(result));
}
