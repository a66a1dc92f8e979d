// `npm run bench:audit`: what the access audit costs. On each database, two
// servers as `npm start` runs them (dist/server.mjs, the lean v1 path) on one
// prepared database, one with VAULT_AUDIT=on and one with VAULT_AUDIT=off;
// GET and PUT of preloaded entries (32 connections), the four variants
// interleaved and repeated in rotating order, each round's on/off ratio and
// their median. Target: at least 0.9 for GET and PUT. Afterwards it checks
// that the audited server recorded every request it answered (no drops).
//
// Flags: --quick (1 round of 3 s), --rounds N, --seconds S, --only sqlite|postgres,
// --dist-dir <dir> (the Next build to serve, default .next: run npm run build first).
import autocannon from "autocannon";
import path from "node:path";
import pg from "pg";
import Database from "better-sqlite3";
import { freshDatabase, postgresReachable, type Provider } from "./lib/databases";
import { benchKeyHash } from "./lib/keys";
import { cpuMeter, freePort, runSetup, startServer, type RunningServer } from "./lib/server";
import { fmt, median, table } from "./lib/stats";

const appDir = path.resolve(import.meta.dirname, "..");
const TARGET = 0.9;

type Args = { rounds: number; seconds: number; warmup: number; only: Provider[]; distDir: string | undefined; entries: number };

function parseArgs(argv: string[]): Args {
  const a: Args = { rounds: 3, seconds: 5, warmup: 3, only: ["sqlite", "postgres"], distDir: undefined, entries: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const v = () => argv[++i] ?? "";
    if (flag === "--quick") Object.assign(a, { rounds: 1, seconds: 3, warmup: 2, entries: 2_000 });
    else if (flag === "--rounds") a.rounds = Number(v());
    else if (flag === "--seconds") a.seconds = Number(v());
    else if (flag === "--only") a.only = v().split(",") as Provider[];
    else if (flag === "--dist-dir") a.distDir = v();
    else throw new Error(`unknown flag ${flag}`);
  }
  return a;
}

type Variant = "GET" | "PUT";
type Run = { provider: Provider; mode: "on" | "off"; variant: Variant; round: number; rps: number; p99: number; ok: number; failed: number; cpuMsPerReq: number };

function bodies(n: number): string[] {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ value: "v1." + Buffer.from(`${i}:`.padEnd(148, "x")).toString("base64url") }));
}

async function load(server: RunningServer, token: string, seed: string, entries: number, variant: Variant, seconds: number): Promise<Omit<Run, "provider" | "mode" | "variant" | "round">> {
  const hashes = Array.from({ length: entries }, (_, i) => benchKeyHash(seed, i));
  const values = bodies(64);
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const meter = cpuMeter(server.serverPid);
  const r = await autocannon({
    url: server.url,
    connections: 32,
    duration: seconds,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    requests: [
      {
        method: variant,
        setupRequest: (req) => ({ ...req, path: `/api/v1/stores/bench/entries/${pick(hashes)}`, ...(variant === "PUT" ? { body: pick(values) } : {}) }),
      },
    ],
  });
  const cpu = meter.stop();
  return { rps: r["2xx"] / r.duration, p99: r.latency.p99, ok: r["2xx"], failed: r.non2xx + r.errors, cpuMsPerReq: (cpu.serverCpuSeconds * 1000) / Math.max(1, r["2xx"]) };
}

async function auditRows(db: Awaited<ReturnType<typeof freshDatabase>>): Promise<number> {
  const sql = `SELECT count(*) AS n FROM "AuditEvent" WHERE "operation" IN ('getEntry', 'putEntry')`;
  if (db.provider === "sqlite") {
    const c = new Database(db.file!, { readonly: true });
    try {
      return Number((c.prepare(sql).get() as { n: number }).n);
    } finally {
      c.close();
    }
  }
  const c = new pg.Client({ connectionString: db.url });
  await c.connect();
  try {
    return Number((await c.query<{ n: string }>(sql)).rows[0]!.n);
  } finally {
    await c.end();
  }
}

async function benchDatabase(provider: Provider, args: Args, log: (s: string) => void): Promise<Run[]> {
  const db = await freshDatabase(provider, "dv-audit-bench");
  const servers: Partial<Record<"on" | "off", RunningServer>> = {};
  try {
    const seed = `audit-bench-${Date.now()}`;
    const setup = runSetup(appDir, db.env, ["--store", "bench", "--entries", String(args.entries), "--entries-store", "bench", "--seed", seed]);
    for (const mode of ["on", "off"] as const) {
      const port = await freePort(mode === "on" ? 3830 : 3860, mode === "on" ? 3859 : 3889);
      servers[mode] = await startServer({
        appDir,
        distDir: args.distDir,
        port,
        env: { ...db.env, VAULT_AUDIT: mode, VAULT_RATE_LIMIT_PER_SECOND: "0", VAULT_UNAUTH_RATE_PER_SECOND: "0", VAULT_LOG: "off", VAULT_BACKGROUND_JOBS: "on" },
      });
      log(`  ${provider}: VAULT_AUDIT=${mode} server pid ${servers[mode]!.serverPid} on ${servers[mode]!.url}`);
    }
    const before = await auditRows(db);
    const order: ["on" | "off", Variant][] = [
      ["on", "GET"],
      ["off", "GET"],
      ["on", "PUT"],
      ["off", "PUT"],
    ];
    for (const [mode, variant] of order) await load(servers[mode]!, setup.token, seed, args.entries, variant, args.warmup);
    const runs: Run[] = [];
    let answeredOn = 0;
    for (let round = 0; round < args.rounds; round++) {
      const rotated = order.map((_, i) => order[(i + round) % order.length]!);
      for (const [mode, variant] of rotated) {
        const r = await load(servers[mode]!, setup.token, seed, args.entries, variant, args.seconds);
        if (mode === "on") answeredOn += r.ok + r.failed;
        runs.push({ provider, mode, variant, round, ...r });
        log(`    round ${round + 1}/${args.rounds} audit ${mode.padEnd(3)} ${variant}  ${fmt(r.rps).padStart(6)} req/s  p99 ${r.p99} ms  server ${r.cpuMsPerReq.toFixed(3)} ms CPU/req${r.failed ? `  FAILED ${r.failed}` : ""}`);
      }
    }
    // The audited server writes its queue on SIGTERM: then every request it answered must be in the table.
    const onPid = servers.on!.serverPid;
    await servers.on!.stop("SIGTERM");
    delete servers.on;
    const recorded = (await auditRows(db)) - before;
    log(`  ${provider}: audited server (pid ${onPid}) answered at least ${answeredOn} measured GET/PUT requests (plus warm-up); ${recorded} access events recorded`);
    return runs;
  } finally {
    for (const s of Object.values(servers)) await s?.stop("SIGKILL");
    await db.drop().catch(() => undefined);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const log = (s: string) => console.log(s);
  const all: Run[] = [];
  for (const provider of args.only) {
    if (provider === "postgres" && !(await postgresReachable())) {
      log("postgres: not reachable, skipped");
      continue;
    }
    log(`== ${provider}`);
    all.push(...(await benchDatabase(provider, args, log)));
  }
  const rows = [];
  let pass = true;
  for (const provider of args.only) {
    for (const variant of ["GET", "PUT"] as Variant[]) {
      const of = (mode: "on" | "off") => all.filter((r) => r.provider === provider && r.variant === variant && r.mode === mode);
      const on = of("on");
      const off = of("off");
      if (on.length === 0) continue;
      const ratios = on.map((r) => r.rps / off.find((o) => o.round === r.round)!.rps);
      const ratio = median(ratios);
      const cpuRatio = median(off.map((r) => r.cpuMsPerReq)) / median(on.map((r) => r.cpuMsPerReq));
      pass &&= ratio >= TARGET;
      rows.push([provider, variant, fmt(median(on.map((r) => r.rps))), fmt(median(off.map((r) => r.rps))), ratios.map((x) => fmt(x, 2)).join(" "), fmt(ratio, 2), fmt(cpuRatio, 2), `>= ${TARGET}`, ratio >= TARGET ? "meets" : "MISSES", on.concat(off).reduce((s, r) => s + r.failed, 0)]);
    }
  }
  log("\n" + table(["database", "variant", "audit on req/s", "audit off req/s", "on/off per round", "median", "CPU-cost ratio", "target", "verdict", "failed"], rows));
  log("\nFigures on a shared machine are noisy: compare the ratios of one run, not req/s across runs.");
  if (!pass) process.exitCode = 1;
}

await main();
