// Shared machinery of the adversarial suites (test/adversarial/*.adv.test.ts):
// scale switch, seeded PRNG, bounded concurrency, a raw HTTP/1.1 client for
// requests fetch refuses to send, a database checksum, server RSS sampling,
// a multi-instance launcher (several `next start` on one database, with
// kill -9 and restart), and figure recording for docs/reliability.md.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { getDb } from "@/lib/db/client";
import type { Provider } from "@/test/providers";
import { freePort, provisionTestDatabase, serverCommand } from "@/test/server";

export const SCALE: "short" | "full" = process.env.ADV_SCALE === "short" ? "short" : "full";
export const FULL = SCALE === "full";
/** Pick by scale. */
export const scaled = <T>(short: T, full: T): T => (FULL ? full : short);

// ---------------------------------------------------------------- figures

const RESULTS_DIR = process.env.ADV_RESULTS_DIR ?? path.join(tmpdir(), "dv-adversarial-results");

/** Prints a suite's figures and keeps them as JSON (ADV_RESULTS_DIR) for docs/reliability.md. */
export function record(name: string, figures: Record<string, unknown>): void {
  const line = { suite: name, scale: SCALE, at: new Date().toISOString(), ...figures };
  console.log(`[adversarial] ${JSON.stringify(line)}`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, `${name.replace(/[^a-z0-9-]+/gi, "_")}.${SCALE}.json`), JSON.stringify(line, null, 2));
}

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
    bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
    b64url: (n: number) => {
      const al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      let s = "";
      for (let i = 0; i < n; i++) s += al[Math.floor(next() * 64)];
      return s;
    },
  };
}
export type Prng = ReturnType<typeof prng>;

// ---------------------------------------------------------------- concurrency

/** Runs fn(0..n-1) with at most `limit` in flight; returns results in order. */
export async function pool<T>(n: number, limit: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, worker));
  return out;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- HTTP

export type ApiResult = { status: number; json: any; text: string; headers: Headers }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A JSON call to the v1 API with fetch. */
export async function api(
  base: string,
  method: string,
  p: string,
  opts: { token?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<ApiResult> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if ((opts.body !== undefined || opts.raw !== undefined) && !("content-type" in headers)) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${p}`, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

export type RawResponse = { status: number; headers: Record<string, string>; body: string; complete: boolean };

/**
 * Sends bytes as they are over a TCP socket (duplicate or oversize headers,
 * lying Content-Length, unknown methods) and parses one HTTP/1.1 response.
 * Resolves null when the server answered nothing before it closed or timed out.
 */
export function rawHttp(base: string, request: Buffer | string, timeoutMs = 4_000): Promise<RawResponse | null> {
  const u = new URL(base);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net.connect(Number(u.port), u.hostname);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(parseRaw(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on("data", (d) => {
      chunks.push(d);
      const parsed = parseRaw(Buffer.concat(chunks));
      if (parsed?.complete) finish();
    });
    sock.on("error", finish);
    sock.on("close", finish);
    sock.write(request);
  });
}

function parseRaw(buf: Buffer): RawResponse | null {
  const sep = buf.indexOf("\r\n\r\n");
  if (sep < 0) return null;
  const head = buf.subarray(0, sep).toString("latin1").split("\r\n");
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? "");
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let rest = buf.subarray(sep + 4);
  let complete = false;
  let body: Buffer = rest;
  if (headers["content-length"] !== undefined) {
    const n = Number(headers["content-length"]);
    complete = rest.length >= n;
    body = rest.subarray(0, n);
  } else if (/chunked/i.test(headers["transfer-encoding"] ?? "")) {
    const parts: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf("\r\n");
      if (eol < 0) break;
      const size = parseInt(rest.subarray(0, eol).toString(), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) {
        complete = true;
        break;
      }
      if (rest.length < eol + 2 + size + 2) break;
      parts.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else if (/^(1\d\d|204|304)$/.test(m[1]!)) {
    complete = true;
    body = Buffer.alloc(0);
  }
  return { status: Number(m[1]), headers, body: body.toString("utf8"), complete };
}

// ---------------------------------------------------------------- database

/** sha256 over every Entry row (all columns, in key order) and every Store's count. */
export async function dbChecksum(): Promise<{ sum: string; entries: number }> {
  const db = getDb();
  const rows = await db.entry.findMany({ orderBy: [{ storeRef: "asc" }, { keyHash: "asc" }] });
  const stores = await db.store.findMany({ orderBy: { id: "asc" }, select: { id: true, storeId: true, projectId: true, entryCount: true } });
  const h = createHash("sha256");
  for (const r of rows) {
    h.update(
      [r.storeRef, r.keyHash, Buffer.from(r.ciphertext).toString("hex"), Buffer.from(r.wrappedKey).toString("hex"), r.masterKeyVersion, r.version, r.createdAt.toISOString(), r.updatedAt.toISOString(), r.expiresAt?.toISOString() ?? "-"].join("|") + "\n",
    );
  }
  for (const s of stores) h.update(`S|${s.id}|${s.storeId}|${s.projectId}|${s.entryCount}\n`);
  return { sum: h.digest("hex"), entries: rows.length };
}

// ---------------------------------------------------------------- memory

/** Resident set size of a process in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const USER_HZ = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ; // utime, stime
  } catch {
    return 0;
  }
}

/** The PostgreSQL server's processes (postmaster and backends) on this machine. */
function postgresPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/comm`, "utf8").trim() === "postgres") pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU seconds the serving side has used so far: the server process, plus
 * every PostgreSQL process when the database is PostgreSQL (its backends
 * do the queries' work). Differences of two readings give the CPU a run
 * cost, which, unlike requests per second, hardly moves when other
 * processes on a shared machine take CPU.
 */
export function servingCpuSeconds(serverPid: number, provider: Provider): number {
  const pids = provider === "postgres" ? [serverPid, ...postgresPids()] : [serverPid];
  return pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}

/** Least-squares slope of (t seconds, y) in y-units per minute. */
export function slopePerMinute(samples: { t: number; y: number }[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mt = samples.reduce((a, s) => a + s.t, 0) / n;
  const my = samples.reduce((a, s) => a + s.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.t - mt) * (s.y - my);
    den += (s.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

// ---------------------------------------------------------------- servers

export type Instance = { url: string; port: number; child: ChildProcess | null; pid: number; out: string };
export type Cluster = {
  provider: Provider;
  databaseUrl: string;
  dataDir: string;
  instances: Instance[];
  url: string;
  /** Everything every instance ever printed (all launches). */
  logs: () => string;
  /** kill -9 the instance's server process. */
  kill9: (i?: number) => Promise<void>;
  start: (i?: number, extra?: Record<string, string>) => Promise<void>;
  stop: () => Promise<void>;
};

async function waitHealthy(url: string, inst: Instance): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (inst.child && inst.child.exitCode !== null) throw new Error(`server exited (${inst.child.exitCode}):\n${inst.out}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`server did not become healthy:\n${inst.out}`);
}

/**
 * A fresh database provisioned in this process (like test/server.ts), and
 * `n` production servers (what `npm start` runs) sharing it: same DATABASE_URL,
 * DATA_DIR and VAULT_ROOT_KEY. This process's env points at the same
 * database, so services (reconcileCounts, rotateMasterKey, runRewrap, key
 * revocation) can be called in-process.
 */
export async function startCluster(provider: Provider, n = 1, env: Record<string, string> = {}): Promise<Cluster> {
  const { url: databaseUrl, dataDir, secrets, drop } = await provisionTestDatabase(provider, "dv-adv-");

  let allLogs = "";
  const instances: Instance[] = [];
  for (let i = 0; i < n; i++) {
    const port = await freePort();
    instances.push({ url: `http://127.0.0.1:${port}`, port, child: null, pid: 0, out: "" });
  }
  const start = async (i = 0, extra: Record<string, string> = {}) => {
    const inst = instances[i]!;
    inst.out = "";
    const command = serverCommand("npm-start", inst.port);
    const child = spawn(process.execPath, command.args, {
      env: {
        ...command.env,
        ...process.env,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        VAULT_LOG: "on",
        ...secrets,
        ...env,
        ...extra,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    inst.child = child;
    inst.pid = child.pid!;
    const onData = (d: Buffer) => {
      inst.out += d.toString();
      allLogs += d.toString();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    await waitHealthy(inst.url, inst);
  };
  const kill9 = async (i = 0) => {
    const child = instances[i]!.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    process.kill(child.pid!, "SIGKILL");
    await exited;
  };
  const halt = async (i: number) => {
    const child = instances[i]!.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null && child.signalCode === null) await kill9(i);
  };
  await Promise.all(instances.map((_, i) => start(i)));
  return {
    provider,
    databaseUrl,
    dataDir,
    instances,
    url: instances[0]!.url,
    logs: () => allLogs,
    kill9,
    start,
    stop: async () => {
      await Promise.all(instances.map((_, i) => halt(i)));
      await drop();
    },
  };
}

/** Environment for load-heavy suites: no rate limit, small value cap. */
export const LOAD_ENV = { VAULT_RATE_LIMIT_PER_SECOND: "0", VAULT_KEY_CACHE_SECONDS: "2" };
