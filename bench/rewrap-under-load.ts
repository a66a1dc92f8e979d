// Rewrap under load (issue 11: "/api/health took 3.7 s during a rewrap";
// target: p99 of a steady stream of GETs under 50 ms while 10,000 entries
// are re-wrapped, on SQLite and PostgreSQL). Measured, not asserted.
//
// Per database: a fresh database with N entries (bench/setup.ts), an admin
// account, the production server. A steady open-loop stream of GETs of
// random entries (and of /api/health) runs throughout; latencies are split
// into "before" (a quiet baseline) and "during" (from the rotate request to
// the end of the rewrap). Two ways the rewrap runs:
//   - in-server: the dashboard's "Rotate now" (POST .../master-keys/rotate,
//     signed in as the admin): the rewrap runs inside the serving process.
//     The rotate request's own latency is what the dialog waits for.
//   - cli: `npm run admin -- master-key rotate` then `rewrap` in a separate
//     process on the same database (background jobs off in the server).
// The rewrap's progress is polled from the dashboard API; the table says
// how many distinct progress readings it saw (real progress, not a jump).
//
// Entry point for `npm run bench`: runRewrapUnderLoad(target, options) for
// one running server; or run this file on its own:
//   npx tsx --conditions=react-server bench/rewrap-under-load.ts [--entries 10000] [--only sqlite|postgres] [--mode in-server|cli|both]
//     [--gets-per-second 50] [--health-per-second 5] [--no-build] [--dist-dir .next-bench] [--app-dir <checkout>]
//   ... --in-process: the rewrap and a stream of reads in one process, no HTTP (event-loop delay, read latency)
import { systemActor } from "@/lib/audit/actor";
import { spawn, spawnSync } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { benchKeyHash } from "./lib/keys";
import { freshDatabase, postgresReachable, type Provider } from "./lib/databases";
import { buildApp, freePort, runSetup, startServer } from "./lib/server";
import { fmt, percentile, table } from "./lib/stats";

export type RewrapMode = "in-server" | "cli";

export type LatencySummary = { n: number; p50: number; p99: number; max: number; errors: number };

export type RewrapLoadResult = {
  provider: Provider;
  mode: RewrapMode;
  entries: number;
  /** Seconds from the rotate request to the rewrap's "done". */
  rewrapSeconds: number;
  /** How long the rotate request took (the dialog's spinner). */
  rotateMs: number;
  /** Distinct progress readings seen while polling every 250 ms. */
  progressReadings: number;
  /** Status polls that failed (timeouts, resets): the machine was too busy. */
  pollErrors: number;
  finalState: string;
  moved: number;
  getBefore: LatencySummary;
  getDuring: LatencySummary;
  healthBefore: LatencySummary;
  healthDuring: LatencySummary;
};

export type RewrapLoadTarget = {
  url: string;
  token: string;
  storeId: string;
  seed: string;
  entries: number;
  /** An instance admin's credentials, for the dashboard API. */
  admin: { email: string; password: string };
  /** For the cli mode: the app checkout and the database env. */
  appDir: string;
  env: Record<string, string>;
};

export type RewrapLoadOptions = {
  mode: RewrapMode;
  /** GETs of entries per second (steady, open loop). */
  getsPerSecond?: number;
  healthPerSecond?: number;
  baselineSeconds?: number;
  /** Give up waiting for the rewrap after this long. */
  timeoutSeconds?: number;
  log?: (line: string) => void;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders };

function request(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // A declared length: the server refuses chunked bodies to Next's routes (411).
    const headers = init.body ? { ...init.headers, "content-length": String(Buffer.byteLength(init.body)) } : init.headers;
    const req = http.request(url, { method: init.method ?? "GET", headers, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.setTimeout(30_000, () => req.destroy(new Error("timeout")));
    if (init.body) req.write(init.body);
    req.end();
  });
}

/**
 * Signs in through next-auth's credentials provider, as the sign-in form
 * does: the CSRF token, then the callback; returns the Cookie header.
 */
export async function signIn(url: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (h: http.IncomingHttpHeaders) => {
    for (const c of h["set-cookie"] ?? []) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrf = await request(`${url}/api/auth/csrf`);
  keep(csrf.headers);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, callbackUrl: `${url}/`, json: "true" }).toString();
  const res = await request(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: url },
    body: form,
  });
  keep(res.headers);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`sign-in failed (${res.status})`);
  return cookie();
}

function summary(samples: { ms: number; ok: boolean }[]): LatencySummary {
  const ms = samples.filter((s) => s.ok).map((s) => s.ms);
  return { n: samples.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.length ? Math.max(...ms) : NaN, errors: samples.filter((s) => !s.ok).length };
}

/** A steady open-loop stream: `perSecond` requests a second whatever the answers take. */
function stream(perSecond: number, send: () => Promise<boolean>) {
  const samples: { at: number; ms: number; ok: boolean }[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * perSecond);
    for (; sent < due; sent++) {
      const at = performance.now();
      const p = send()
        .then((ok) => void samples.push({ at, ms: performance.now() - at, ok }))
        .catch(() => void samples.push({ at, ms: performance.now() - at, ok: false }))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
  }, 5);
  return {
    samples,
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

function runCli(target: RewrapLoadTarget, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(target.appDir, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", path.join(target.appDir, "scripts/admin.ts"), ...args], {
      cwd: target.appDir,
      env: { ...process.env, ...target.env, VAULT_LOG: "off" },
      stdio: ["ignore", "ignore", "ignore"],
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve(code ?? 1));
  });
}

/** One rewrap of every entry under load, against a running server. */
export async function runRewrapUnderLoad(target: RewrapLoadTarget, options: RewrapLoadOptions): Promise<Omit<RewrapLoadResult, "provider">> {
  const log = options.log ?? (() => undefined);
  const cookie = await signIn(target.url, target.admin.email, target.admin.password);
  const dash = { cookie, origin: target.url, "content-type": "application/json", accept: "application/json" };
  const status = async () => {
    const r = await request(`${target.url}/api/dashboard/admin/master-keys/rewrap`, { headers: { cookie, accept: "application/json" } });
    if (r.status !== 200) throw new Error(`rewrap status: ${r.status} ${r.body.slice(0, 200)}`);
    const rewrap = (JSON.parse(r.body) as { rewrap: { state: string; targetVersion: number | null; processed: number; total: number; moved?: number } }).rewrap;
    // Older builds (bench --app-dir of an earlier checkout) report no "moved".
    return { ...rewrap, moved: rewrap.moved ?? rewrap.processed };
  };
  const hashes = Array.from({ length: target.entries }, (_, i) => benchKeyHash(target.seed, i));
  const auth = { authorization: `Bearer ${target.token}` };
  const gets = stream(options.getsPerSecond ?? 50, async () => {
    const k = hashes[Math.floor(Math.random() * hashes.length)]!;
    return (await request(`${target.url}/api/v1/stores/${target.storeId}/entries/${k}`, { headers: auth })).status === 200;
  });
  const health = stream(options.healthPerSecond ?? 5, async () => (await request(`${target.url}/api/health`)).status === 200);

  await new Promise((r) => setTimeout(r, (options.baselineSeconds ?? 5) * 1000));
  const before = (await status()).targetVersion ?? 0;
  const t0 = performance.now();
  let rotateMs = NaN;
  let cli: Promise<number> | null = null;
  if (options.mode === "in-server") {
    const r = await request(`${target.url}/api/dashboard/admin/master-keys/rotate`, { method: "POST", headers: dash, body: "{}" });
    rotateMs = performance.now() - t0;
    if (r.status !== 201 && r.status !== 200) throw new Error(`rotate: ${r.status} ${r.body.slice(0, 200)}`);
  } else {
    if ((await runCli(target, ["master-key", "rotate"])) !== 0) throw new Error("admin master-key rotate failed");
    rotateMs = performance.now() - t0;
    cli = runCli(target, ["rewrap"]);
  }
  const readings = new Set<number>();
  let last = await status();
  let pollErrors = 0;
  const deadline = Date.now() + (options.timeoutSeconds ?? 300) * 1000;
  for (;;) {
    try {
      last = await status();
    } catch {
      // A slow or reset poll on a busy machine: count it, ask again.
      pollErrors++;
    }
    if (last.targetVersion !== null && last.targetVersion > before) {
      if (last.state === "running") readings.add(last.processed);
      if (last.state === "done" || last.state === "failed") break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const t1 = performance.now();
  if (cli) await cli;
  await gets.stop();
  await health.stop();
  const phase = (s: { at: number; ms: number; ok: boolean }[], from: number, to: number) => s.filter((x) => x.at >= from && x.at < to);
  const result = {
    mode: options.mode,
    entries: target.entries,
    rewrapSeconds: (t1 - t0) / 1000,
    rotateMs,
    progressReadings: readings.size,
    pollErrors,
    finalState: last.state,
    moved: last.moved,
    getBefore: summary(phase(gets.samples, 0, t0)),
    getDuring: summary(phase(gets.samples, t0, t1)),
    healthBefore: summary(phase(health.samples, 0, t0)),
    healthDuring: summary(phase(health.samples, t0, t1)),
  };
  log(`    ${options.mode}: rewrap of ${result.moved} entries in ${result.rewrapSeconds.toFixed(1)} s; GET p99 ${fmt(result.getDuring.p99, 1)} ms during, ${fmt(result.getBefore.p99, 1)} ms before`);
  return result;
}

export function formatRewrapUnderLoad(rows: RewrapLoadResult[]): string {
  const lat = (s: LatencySummary) => `${fmt(s.p50, 1)} / ${fmt(s.p99, 1)} / ${fmt(s.max, 0)}`;
  return table(
    ["database", "rewrap runs", "entries", "rewrap s", "rotate request ms", "progress readings", "GET p50/p99/max ms before", "GET during", "health during", "failed", "p99 < 50 ms"],
    rows.map((r) => [
      r.provider,
      r.mode,
      r.moved,
      fmt(r.rewrapSeconds, 1),
      fmt(r.rotateMs, 0),
      r.progressReadings,
      lat(r.getBefore),
      lat(r.getDuring),
      lat(r.healthDuring),
      r.getDuring.errors + r.healthDuring.errors + r.getBefore.errors,
      r.getDuring.p99 < 50 && r.healthDuring.p99 < 50 ? "yes" : "NO",
    ]),
  );
}

/** A fresh database with `entries` entries, an admin account, and the server; runs the modes. */
export async function benchRewrapUnderLoad(
  provider: Provider,
  options: { appDir: string; distDir?: string; entries: number; modes: RewrapMode[]; getsPerSecond?: number; healthPerSecond?: number; log: (s: string) => void },
): Promise<RewrapLoadResult[]> {
  const results: RewrapLoadResult[] = [];
  for (const mode of options.modes) {
    const db = await freshDatabase(provider, "dv-bench-rewrap");
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      const seed = `rewrap-${Date.now()}`;
      const setup = runSetup(options.appDir, db.env, ["--store", "bench", "--entries", String(options.entries), "--seed", seed]);
      const admin = { email: `admin-${Date.now()}@bench.test`, password: "bench-admin-password-0123" };
      const made = spawnSync(
        process.execPath,
        [path.join(options.appDir, "node_modules/tsx/dist/cli.mjs"), "--conditions=react-server", path.join(options.appDir, "scripts/admin.ts"), "user", "create", "--email", admin.email, "--password-stdin", "--admin"],
        { cwd: options.appDir, env: { ...process.env, ...db.env, VAULT_LOG: "off" }, input: `${admin.password}\n`, encoding: "utf8" },
      );
      if (made.status !== 0) throw new Error(`admin user create failed: ${made.stderr}`);
      const port = await freePort(3300, 3399);
      server = await startServer({
        appDir: options.appDir,
        distDir: options.distDir,
        port,
        env: { ...db.env, VAULT_RATE_LIMIT_PER_SECOND: "0", VAULT_LOG: "off", VAULT_BACKGROUND_JOBS: mode === "cli" ? "off" : "on" },
      });
      options.log(`  ${provider}, rewrap ${mode}: ${options.entries} entries, server pid ${server.serverPid}`);
      // Let the server warm up (a cold Next.js server is several times slower at first).
      const warm = stream(100, async () => (await request(`${server!.url}/api/v1/stores/bench/entries/${benchKeyHash(seed, 0)}`, { headers: { authorization: `Bearer ${setup.token}` } })).status === 200);
      await new Promise((r) => setTimeout(r, 3000));
      await warm.stop();
      const r = await runRewrapUnderLoad(
        { url: server.url, token: setup.token, storeId: "bench", seed, entries: options.entries, admin, appDir: options.appDir, env: db.env },
        { mode, log: options.log, getsPerSecond: options.getsPerSecond, healthPerSecond: options.healthPerSecond },
      );
      results.push({ provider, ...r });
    } finally {
      if (server) await server.stop("SIGTERM");
      await db.drop().catch(() => undefined);
    }
  }
  return results;
}

async function main() {
  const argv = process.argv.slice(2);
  const flag = (name: string) => argv.includes(name);
  const value = (name: string, fallback: string) => {
    const i = argv.indexOf(name);
    return i >= 0 && argv[i + 1] ? argv[i + 1]! : fallback;
  };
  const appDir = path.resolve(value("--app-dir", path.resolve(import.meta.dirname, "..")));
  const distDir = value("--dist-dir", ".next-bench");
  const entries = Number(value("--entries", "10000"));
  const modeArg = value("--mode", "both");
  const modes: RewrapMode[] = modeArg === "both" ? ["in-server", "cli"] : [modeArg as RewrapMode];
  const getsPerSecond = Number(value("--gets-per-second", "50"));
  const healthPerSecond = Number(value("--health-per-second", "5"));
  let providers = value("--only", "sqlite,postgres").split(",") as Provider[];
  const log = (s: string) => process.stderr.write(`${s}\n`);
  if (providers.includes("postgres") && !(await postgresReachable())) {
    log("PostgreSQL is not reachable: skipping it");
    providers = providers.filter((p) => p !== "postgres");
  }
  if (flag("--in-process")) {
    const rows: InProcessResult[] = [];
    for (const provider of providers) rows.push(await runRewrapInProcess(provider, entries));
    console.log(`Rewrap in process: ${entries} entries re-wrapped while one getEntry runs every 10 ms in the same process. Load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores.\n`);
    console.log(formatInProcess(rows));
    return;
  }
  if (!flag("--no-build")) {
    log(`building the app (NEXT_DIST_DIR=${distDir}) ...`);
    const b = buildApp(appDir, distDir);
    if (!b.ok) throw new Error(`next build failed:\n${b.log.slice(-3000)}`);
  }
  const rows: RewrapLoadResult[] = [];
  const load0 = os.loadavg()[0]!;
  for (const provider of providers) rows.push(...(await benchRewrapUnderLoad(provider, { appDir, distDir, entries, modes, getsPerSecond, healthPerSecond, log })));
  console.log(
    `Rewrap under load: ${entries} entries re-wrapped while ${getsPerSecond} GETs/s of random entries and ${healthPerSecond} /api/health/s run (open loop); latencies p50 / p99 / max in ms. ` +
      `Load average ${load0.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end on ${os.cpus().length} cores (a "before" p99 far above a quiet run's means the machine was busy).\n`,
  );
  console.log(formatRewrapUnderLoad(rows));
  agent.destroy();
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().catch((error: unknown) => {
    console.error(`bench: ${(error as Error).stack ?? String(error)}`);
    process.exitCode = 1;
  });
}

// ---------------------------------------------------------------- in process

export type InProcessResult = {
  provider: Provider;
  entries: number;
  rewrapSeconds: number;
  /** getEntry latency (ms) in the same process while the rewrap runs, one due every 10 ms, from when it was due. */
  get: LatencySummary;
  /** The same in the 3 s before the rewrap (the machine's own noise). */
  getBefore: LatencySummary;
  loopDelayBeforeP99: number;
  /** Event-loop delay samples taken during the rewrap: 0 means the loop never got to its timers. */
  loopSamples: number;
  /** Event-loop delay (ms) while the rewrap runs: the longest stretch nothing else could run. */
  loopDelayP99: number;
  loopDelayMax: number;
};

/**
 * The same question without HTTP or a second process: the rewrap and a
 * steady stream of reads share one event loop (and, on SQLite, one
 * connection), as in a server. Less exposed to other processes' load than
 * the HTTP figures, so it shows whether the job itself blocks serving.
 * Run with tsx --conditions=react-server (it loads the app's modules).
 */
export async function runRewrapInProcess(provider: Provider, entries: number): Promise<InProcessResult> {
  const { monitorEventLoopDelay } = await import("node:perf_hooks");
  const db = await freshDatabase(provider, "dv-bench-inproc");
  Object.assign(process.env, db.env, { VAULT_LOG: "off" });
  const { prepareDatabase } = await import("../lib/startup");
  const { closeDb, getDb } = await import("../lib/db/client");
  const { ensureKeyring, rotateMasterKey } = await import("../lib/vault/keyring");
  const { batchSet, getEntry } = await import("../lib/vault/entries");
  const { createStore } = await import("../lib/vault/stores");
  const { runRewrap } = await import("../lib/vault/rewrap");
  try {
    await prepareDatabase();
    await ensureKeyring();
    const project = await getDb().project.create({ data: { name: "bench" } });
    await createStore(project.id, { storeId: "bench", displayName: "bench" }, systemActor("bench"));
    const seed = `inproc-${Date.now()}`;
    for (let i = 0; i < entries; i += 100) {
      const items = Array.from({ length: Math.min(100, entries - i) }, (_, j) => ({ key: benchKeyHash(seed, i + j), value: "v1." + "x".repeat(200), expiresAt: null }));
      await batchSet(project.id, "bench", items);
    }
    await rotateMasterKey(systemActor("bench"));
    // Open loop: read i is due at start + 10 ms * i, and its latency counts
    // from then, so time spent waiting for a blocked event loop counts too.
    const samples: { at: number; ms: number; ok: boolean }[] = [];
    const pending = new Set<Promise<void>>();
    const start = performance.now();
    let sent = 0;
    const timer = setInterval(() => {
      for (const due = Math.floor((performance.now() - start) / 10); sent < due; sent++) {
        const at = start + sent * 10;
        const p = getEntry(project.id, "bench", benchKeyHash(seed, (sent * 7919) % entries)).then(
          () => void samples.push({ at, ms: performance.now() - at, ok: true }),
          () => void samples.push({ at, ms: performance.now() - at, ok: false }),
        );
        pending.add(p);
        void p.finally(() => pending.delete(p));
      }
    }, 2);
    // A quiet stretch first: what the machine gives without a rewrap.
    const quiet = monitorEventLoopDelay({ resolution: 5 });
    quiet.enable();
    await new Promise((r) => setTimeout(r, 3000));
    quiet.disable();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const t0 = performance.now();
    await runRewrap({ retireAfterMs: 0 });
    const t1 = performance.now();
    loop.disable();
    clearInterval(timer);
    await Promise.all(pending);
    const during = samples.filter((x) => x.at >= t0 && x.at < t1);
    const before = samples.filter((x) => x.at < t0);
    return {
      provider,
      entries,
      rewrapSeconds: (t1 - t0) / 1000,
      getBefore: summary(before),
      get: summary(during),
      loopDelayBeforeP99: quiet.percentile(99) / 1e6,
      loopDelayP99: loop.count > 0 ? loop.percentile(99) / 1e6 : NaN,
      loopDelayMax: loop.count > 0 ? loop.max / 1e6 : NaN,
      loopSamples: loop.count,
    };
  } finally {
    await closeDb();
    await db.drop().catch(() => undefined);
  }
}

export function formatInProcess(rows: InProcessResult[]): string {
  return table(
    ["database", "entries", "rewrap s", "getEntry p50 / p99 / max ms, before", "during", "reads done during", "event-loop delay p99 ms, before", "during (max)", "failed reads"],
    rows.map((r) => [
      r.provider,
      r.entries,
      fmt(r.rewrapSeconds, 1),
      `${fmt(r.getBefore.p50, 1)} / ${fmt(r.getBefore.p99, 1)} / ${fmt(r.getBefore.max, 0)}`,
      `${fmt(r.get.p50, 1)} / ${fmt(r.get.p99, 1)} / ${fmt(r.get.max, 0)}`,
      r.get.n,
      fmt(r.loopDelayBeforeP99, 1),
      r.loopSamples > 0 ? `${fmt(r.loopDelayP99, 1)} (${fmt(r.loopDelayMax, 0)})` : "no timer ran",
      r.get.errors + r.getBefore.errors,
    ]),
  );
}
