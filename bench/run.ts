// `npm run bench`: the whole benchmark, every figure a ratio or a figure
// measured in this same run.
//   a) SDK crypto cost against Stack Auth's two-derivation scheme, and the
//      opt-in key cache (bench/sdk-bench.ts; in-memory vault).
//   b) Raw v1 API throughput on SQLite and PostgreSQL, served as npm start
//      serves it (the lean path), against Next's no-op route handler in the
//      same app and a bare node:http server started here; 32 connections,
//      variants interleaved and repeated, p50/p99, server CPU per request,
//      server RSS.
//   c) The SDK end to end through the running server: get/set at 1, 8, 32
//      concurrent callers, and the server's memory.
//   d) The compiled admin CLI's and db:migrate's start-up against a bare
//      `node -e 0` (bench/cli-startup.ts).
//   e) GET and /api/health p99 while a 10,000-entry rewrap runs in the
//      server (bench/rewrap-under-load.ts).
//   f) GET and PUT throughput with the access audit on against off
//      (bench/audit-bench.ts).
//
// Flags: --quick (short durations, < 2 min; a smoke test), --strict (exit 1
// when a target is missed), --no-build (reuse the existing build),
// --only sqlite|postgres, --skip-crypto, --profile (server --cpu-prof into
// bench/results/prof-<db>/), --app-dir <dir> (default: this checkout),
// --dist-dir <dir> (default .next-bench; Next's NEXT_DIST_DIR).
// Results also go to bench/results/latest.json.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatSdkBench, runSdkBench, type SdkBenchRow } from "./sdk-bench";
import { runRawApi, type RawApiResult } from "./raw-api";
import { runSdkE2e, type SdkE2eResult } from "./sdk-e2e";
import { cliStartupChecks, formatCliStartup, runCliStartup } from "./cli-startup";
import { buildApp, cpuMeter, freePort, rssSampler, runSetup, startBareServer, startServer, type CpuShare } from "./lib/server";
import { freshDatabase, postgresReachable, type Provider } from "./lib/databases";
import { fmt, table, verdict } from "./lib/stats";

const here = import.meta.dirname;

type Args = {
  quick: boolean;
  strict: boolean;
  build: boolean;
  only: Provider[];
  crypto: boolean;
  profile: boolean;
  appDir: string;
  distDir: string;
};

function parseArgs(argv: string[]): Args {
  const args: Args = {
    quick: false,
    strict: false,
    build: true,
    only: ["sqlite", "postgres"],
    crypto: true,
    profile: false,
    appDir: process.env.BENCH_APP_DIR ?? path.resolve(here, ".."),
    distDir: process.env.BENCH_DIST_DIR ?? ".next-bench",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--quick") args.quick = true;
    else if (a === "--strict") args.strict = true;
    else if (a === "--no-build") args.build = false;
    else if (a === "--skip-crypto") args.crypto = false;
    else if (a === "--profile") args.profile = true;
    else if (a === "--only") args.only = value().split(",") as Provider[];
    else if (a === "--app-dir") args.appDir = path.resolve(value());
    else if (a === "--dist-dir") args.distDir = value();
    else throw new Error(`unknown flag ${a} (see the header of bench/run.ts)`);
  }
  return args;
}

const modes = {
  quick: { sdkRounds: 3, entries: 1_000, warmup: 2, seconds: 2, rounds: 1, sdkSeconds: 1.5 },
  full: { sdkRounds: 7, entries: 10_000, warmup: 5, seconds: 5, rounds: 3, sdkSeconds: 5 },
};

type Memory = { idleMb: number; peakRawMb: number; peakSdkMb: number; afterMb: number };
type DbResult = { provider: Provider; raw: RawApiResult; sdk: SdkE2eResult; memory: Memory; serverPid: number; cpu: { raw: CpuShare; sdk: CpuShare } };

// Against Next's no-op route in the same app (GET, PUT), against a bare
// node:http server started by the bench (GET), p99, and peak server RSS
// (the figure before the lean path was about 360 MB).
const TARGETS = { getRatio: 5, putRatio: 3, getBare: 0.25, p99Ms: 25, rssMb: 360 };

function git(appDir: string): string {
  try {
    const head = execFileSync("git", ["-C", appDir, "rev-parse", "--short", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["-C", appDir, "status", "--porcelain"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return "unknown (not a git checkout)";
  }
}

function machine() {
  const cpus = os.cpus();
  let nextVersion = "?";
  try {
    nextVersion = (JSON.parse(readFileSync(path.join(here, "..", "node_modules", "next", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    // not installed here
  }
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "?",
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverageAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
    node: process.version,
    next: nextVersion,
    platform: `${os.platform()} ${os.release()}`,
  };
}

async function benchDatabase(provider: Provider, args: Args, mode: (typeof modes)["full"], log: (s: string) => void): Promise<DbResult> {
  const db = await freshDatabase(provider);
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  let bare: Awaited<ReturnType<typeof startBareServer>> | undefined;
  try {
    const seed = `bench-${Date.now()}`;
    const t0 = Date.now();
    const setup = runSetup(args.appDir, db.env, ["--store", "bench", "--store", "sdk-bench", "--entries", String(mode.entries), "--entries-store", "bench", "--seed", seed]);
    log(`  ${provider}: database ready with ${mode.entries} entries in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const port = await freePort(3300, 3399);
    bare = await startBareServer(await freePort(port + 1, 3399));
    const profDir = path.join(here, "results", `prof-${provider}`);
    if (args.profile) mkdirSync(profDir, { recursive: true });
    server = await startServer({
      appDir: args.appDir,
      distDir: args.distDir,
      port,
      env: { ...db.env, VAULT_RATE_LIMIT_PER_SECOND: "0", VAULT_BENCH_ROUTES: "on", VAULT_LOG: "off" },
      nodeArgs: args.profile ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [],
    });
    log(`  ${provider}: server pid ${server.serverPid} on ${server.url}`);
    await new Promise((r) => setTimeout(r, 1000));
    const idleMb = server.rssMb();
    const target = { url: server.url, token: setup.token, storeId: "bench", seed, entries: mode.entries, bareUrl: bare.url, barePid: bare.pid };

    const rawSampler = rssSampler(server.rssMb);
    const rawCpu = cpuMeter(server.serverPid);
    const raw = await runRawApi(target, { seconds: mode.seconds, rounds: mode.rounds, warmupSeconds: mode.warmup, serverPid: server.serverPid, rssMb: server.rssMb, log });
    const peakRawMb = rawSampler.stop();
    const rawShare = rawCpu.stop();

    const sdkSampler = rssSampler(server.rssMb);
    const sdkCpu = cpuMeter(server.serverPid);
    const sdk = await runSdkE2e({ url: server.url, token: setup.token, storeId: "sdk-bench" }, { seconds: mode.sdkSeconds, log });
    const peakSdkMb = sdkSampler.stop();
    const sdkShare = sdkCpu.stop();

    await new Promise((r) => setTimeout(r, 3000));
    const afterMb = server.rssMb();
    const serverPid = server.serverPid;
    const code = await server.stop("SIGTERM");
    server = undefined;
    if (code !== 0 && code !== null) log(`  ${provider}: server exited with ${code}`);
    return { provider, raw, sdk, memory: { idleMb, peakRawMb, peakSdkMb, afterMb }, serverPid, cpu: { raw: rawShare, sdk: sdkShare } };
  } finally {
    if (server) await server.stop("SIGKILL");
    await bare?.stop();
    await db.drop().catch(() => {});
  }
}

function rawTable(r: DbResult): string {
  const bare = r.raw.variants.find((v) => v.variant === "bare node:http")!;
  const noop = r.raw.variants.find((v) => v.variant === "noop")!;
  const rows = r.raw.variants.map((v) => {
    const ratio = v.variant === "GET" ? r.raw.getRatio.median : v.variant === "PUT" ? r.raw.putRatio.median : v.rps / noop.rps;
    const goal = v.variant === "GET" ? TARGETS.getRatio : v.variant === "PUT" ? TARGETS.putRatio : undefined;
    const toBare = v.variant === "GET" ? r.raw.getRatioBare.median : v.variant === "PUT" ? r.raw.putRatioBare.median : v.rps / bare.rps;
    const p99ok = v.p99 < TARGETS.p99Ms;
    const ratioOk = (goal === undefined || ratio >= goal) && (v.variant !== "GET" || toBare >= TARGETS.getBare);
    const graded = v.variant === "GET" || v.variant === "PUT";
    return [
      v.variant,
      fmt(v.rps),
      v.variant === "noop" ? "1 (floor)" : fmt(ratio, 2),
      goal === undefined ? "-" : `>= ${goal}`,
      fmt(toBare, 2),
      v.variant === "GET" ? `>= ${TARGETS.getBare}` : "-",
      fmt(v.p50, 0),
      `${fmt(v.p99, 0)} (worst ${fmt(v.p99Worst, 0)})`,
      graded ? `< ${TARGETS.p99Ms}` : "(info)",
      v.non2xx + v.errors > 0 ? `${v.non2xx} non-2xx, ${v.errors} errors` : "0",
      fmt(v.serverCpuMsPerReq, 3),
      v.variant === "noop" ? "1" : fmt(r.raw.cpuCostRatio[v.variant]!, 2),
      fmt(v.otherCores, 2),
      graded ? verdict(ratioOk && p99ok && v.non2xx + v.errors === 0) : "-",
    ];
  });
  return table(
    ["variant", "req/s", "/ Next no-op", "target", "/ bare node:http", "target", "p50 ms", "p99 ms", "p99 target", "failed", "server CPU ms/req", "CPU-cost ratio", "noise cores", "verdict"],
    rows,
  );
}

function memTable(results: DbResult[]): string {
  return table(
    ["database", "server pid", "idle MB", "peak, v1 traffic only MB", "peak raw API MB (with Next no-op load)", "peak SDK MB", "after MB", "target", "verdict"],
    results.map((r) => {
      const peak = Math.max(r.memory.peakRawMb, r.memory.peakSdkMb, r.memory.afterMb);
      return [
        r.provider,
        r.serverPid,
        fmt(r.memory.idleMb),
        r.raw.peakV1OnlyMb === undefined ? "-" : fmt(r.raw.peakV1OnlyMb),
        fmt(r.memory.peakRawMb),
        fmt(r.memory.peakSdkMb),
        fmt(r.memory.afterMb),
        `< ${TARGETS.rssMb}`,
        verdict(peak < TARGETS.rssMb),
      ];
    }),
  ) + "\n   (the verdict is on the overall peak, which includes the phases that drive Next's no-op route; the v1-only peak is the vault's own traffic, GET then PUT for one round's length before anything else)";
}

function cpuTable(results: DbResult[]): string {
  const row = (r: DbResult, phase: "raw" | "sdk") => {
    const c = r.cpu[phase];
    return [r.provider, phase === "raw" ? "b) raw API" : "c) SDK", fmt(c.serverCores, 2), fmt(c.benchCores, 2), fmt(c.otherCores, 2), fmt(c.idleCores, 2)];
  };
  return table(["database", "phase", "server", "bench process", "other processes (noise)", "idle"], results.flatMap((r) => [row(r, "raw"), row(r, "sdk")]));
}

function sdkTable(results: DbResult[]): string {
  const rows = results.flatMap((r) =>
    r.sdk.rows.map((row) => [
      r.provider,
      row.op,
      row.concurrency,
      fmt(row.callsPerSecond, 1),
      fmt(row.p50, 0),
      fmt(row.p99, 0),
      `${fmt((100 * row.callsPerSecond) / r.sdk.derivationsPerSecond, 0)}%`,
      row.errors,
    ]),
  );
  return table(["database", "call", "callers", "calls/s", "p50 ms", "p99 ms", "of bare PBKDF2/s", "errors"], rows);
}

function passes(sdkRows: SdkBenchRow[], results: DbResult[]): { name: string; pass: boolean }[] {
  const checks = sdkRows.map((r) => ({ name: `sdk: ${r.metric}`, pass: r.pass }));
  for (const r of results) {
    const get = r.raw.variants.find((v) => v.variant === "GET")!;
    const put = r.raw.variants.find((v) => v.variant === "PUT")!;
    checks.push(
      { name: `${r.provider}: GET / Next no-op >= ${TARGETS.getRatio}`, pass: r.raw.getRatio.median >= TARGETS.getRatio },
      { name: `${r.provider}: PUT / Next no-op >= ${TARGETS.putRatio}`, pass: r.raw.putRatio.median >= TARGETS.putRatio },
      { name: `${r.provider}: GET / bare node:http >= ${TARGETS.getBare}`, pass: r.raw.getRatioBare.median >= TARGETS.getBare },
      { name: `${r.provider}: GET p99 < ${TARGETS.p99Ms} ms`, pass: get.p99 < TARGETS.p99Ms },
      { name: `${r.provider}: PUT p99 < ${TARGETS.p99Ms} ms`, pass: put.p99 < TARGETS.p99Ms },
      { name: `${r.provider}: no failed requests`, pass: r.raw.variants.every((v) => v.non2xx + v.errors === 0) && r.sdk.rows.every((x) => x.errors === 0) },
      {
        name: `${r.provider}: server RSS < ${TARGETS.rssMb} MB`,
        pass: Math.max(r.memory.peakRawMb, r.memory.peakSdkMb, r.memory.afterMb) < TARGETS.rssMb,
      },
    );
  }
  return checks;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const mode = args.quick ? modes.quick : modes.full;
  const started = Date.now();
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const info = machine();
  console.log(`Data Vault benchmark (${args.quick ? "quick" : "full"} mode) — ${info.cpus} × ${info.cpuModel}, ${info.memoryGb} GB, Node ${info.node}, Next ${info.next}`);
  console.log(`app ${args.appDir} at ${git(args.appDir)}; load average at start ${info.loadAverageAtStart.join(" ")}\n`);

  let sdkRows: SdkBenchRow[] = [];
  if (args.crypto) {
    log(`a) SDK crypto (${mode.sdkRounds} interleaved rounds) ...`);
    sdkRows = await runSdkBench({ rounds: mode.sdkRounds });
    console.log(`a) SDK crypto per call, against Stack Auth's two-derivation scheme (in-memory vault, medians of ${mode.sdkRounds} interleaved rounds)\n`);
    console.log(formatSdkBench(sdkRows) + "\n");
  }

  const providers = [...args.only];
  if (providers.includes("postgres") && !(await postgresReachable())) {
    console.log("PostgreSQL is NOT reachable (BENCH_PG_URL / TEST_PG_URL): skipping it.\n");
    providers.splice(providers.indexOf("postgres"), 1);
    if (args.strict) process.exitCode = 1;
  }

  const results: DbResult[] = [];
  if (providers.length > 0) {
    if (args.build) {
      log(`building the app (NEXT_DIST_DIR=${args.distDir}) ...`);
      const b = buildApp(args.appDir, args.distDir);
      if (!b.ok) {
        console.error(b.log.slice(-4000));
        throw new Error("next build failed (see above); fix it or run with --no-build against an existing build");
      }
      log(`  built in ${b.seconds.toFixed(0)} s`);
    }
    for (const provider of providers) {
      log(`b/c) ${provider} ...`);
      results.push(await benchDatabase(provider, args, mode, log));
    }
  }

  for (const r of results) {
    console.log(
      `b) Raw v1 API on ${r.provider}: ${r.raw.connections} connections, ${r.raw.entries} entries, ${r.raw.rounds} interleaved round(s) of ${r.raw.seconds} s per variant; medians over rounds (ratios per round, then median)\n`,
    );
    console.log(rawTable(r) + "\n");
    console.log(
      "   (server CPU ms/req: CPU of the serving process per answered request; the bare server's row is its own process. CPU-cost ratio = Next no-op's CPU per request / this variant's. noise cores = CPU used by other processes during the runs)\n",
    );
  }
  if (results.length > 0) {
    console.log("Server memory (VmRSS of the listening server process)\n");
    console.log(memTable(results) + "\n");
    console.log(`CPU used during each phase, in cores of ${info.cpus} (other processes = noise from outside the bench)\n`);
    console.log(cpuTable(results) + "\n");
    console.log(`c) SDK end to end through the server (${mode.sdkSeconds} s per cell; one PBKDF2 per call in this process)\n`);
    console.log(sdkTable(results));
    console.log(results.map((r) => `   bare PBKDF2 capacity in this process on ${r.provider} run: ${fmt(r.sdk.derivationsPerSecond, 1)}/s`).join("\n") + "\n");
  }

  log("d) CLI start-up ...");
  const cliStartup = runCliStartup({ appDir: args.appDir, rounds: args.quick ? 5 : 15 });
  console.log(`d) Admin CLI and db:migrate start-up against a bare node start (medians of ${cliStartup.rounds} interleaved rounds)\n`);
  console.log(formatCliStartup(cliStartup) + "\n");

  // e) and f) are scripts of their own (each runs alone too); they print
  // their own tables and verdicts here, against the same build.
  const sub = (title: string, script: string, flags: string[]) => {
    log(`${title} ...`);
    console.log(`${title} (bench/${script}; its own figures and verdicts)\n`);
    const r = spawnSync(process.execPath, [path.join(args.appDir, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", path.join(here, script), ...flags], {
      cwd: args.appDir,
      stdio: "inherit",
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    });
    return r.status === 0;
  };
  const only = args.only.join(",");
  const auditOk = sub("f) Access audit on against off", "audit-bench.ts", [...(args.quick ? ["--quick"] : []), "--only", only, "--dist-dir", args.distDir]);
  const rewrapOk = sub("e) GET and health p99 during a rewrap", "rewrap-under-load.ts", [
    "--no-build",
    "--dist-dir",
    args.distDir,
    "--mode",
    "in-server",
    "--only",
    only,
    "--entries",
    args.quick ? "2000" : "10000",
  ]);

  const checks = [
    ...passes(sdkRows, results),
    ...cliStartupChecks(cliStartup),
    { name: "f) access audit bench ran", pass: auditOk },
    { name: "e) rewrap-under-load bench ran", pass: rewrapOk },
  ];
  const missed = checks.filter((c) => !c.pass);
  console.log(missed.length === 0 ? "All targets met." : `Targets missed (${missed.length}):\n${missed.map((m) => `  - ${m.name}`).join("\n")}`);
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);

  const outDir = path.join(here, "results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    path.join(outDir, "latest.json"),
    JSON.stringify(
      {
        at: new Date().toISOString(),
        mode: args.quick ? "quick" : "full",
        app: { dir: args.appDir, commit: git(args.appDir), distDir: args.distDir },
        machine: { ...info, loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
        targets: TARGETS,
        sdkCrypto: sdkRows,
        databases: results,
        cliStartup,
        checks,
        seconds: (Date.now() - started) / 1000,
      },
      null,
      2,
    ) + "\n",
  );
  if (args.strict && missed.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`bench: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
});
