// Raw v1 API throughput against a running server: a bare node:http server
// (the machine's ceiling), Next's no-op route handler in the same app (what
// Next's pipeline costs), GET and PUT of entries with precomputed key
// hashes, 32 connections, variants interleaved and repeated.
import autocannon from "autocannon";
import { benchKeyHash } from "./lib/keys";
import { median } from "./lib/stats";
import { cpuMeter, rssSampler } from "./lib/server";

export type LoadResult = {
  variant: string;
  round: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** Server CPU time per successful request, ms (noise-robust cost). */
  serverCpuMsPerReq?: number;
  /** Cores used by other processes on the machine during this run. */
  otherCores?: number;
};

export type RawVariant = "bare node:http" | "noop" | "noop GET, entry path" | "noop PUT, entry path" | "GET" | "PUT" | "PUT same 100 keys";

export type RawSummary = {
  variant: RawVariant;
  rounds: LoadResult[];
  rps: number; // median over rounds
  p50: number; // median over rounds
  p99: number; // median over rounds
  p99Worst: number;
  non2xx: number;
  errors: number;
  serverCpuMsPerReq: number; // median over rounds
  otherCores: number; // median over rounds
};

export type RawApiResult = {
  connections: number;
  seconds: number;
  rounds: number;
  entries: number;
  variants: RawSummary[];
  /** Per-round ratios, then their median (same-round comparisons). */
  getRatio: { perRound: number[]; median: number };
  putRatio: { perRound: number[]; median: number };
  /** Against the no-op on the same dynamic path shape (Next's routing cost removed). */
  getRatioSamePath: { perRound: number[]; median: number };
  putRatioSamePath: { perRound: number[]; median: number };
  /** Against a bare node:http server that answers {"ok":true} (the machine's ceiling). */
  getRatioBare: { perRound: number[]; median: number };
  putRatioBare: { perRound: number[]; median: number };
  /** no-op's server CPU per request / the variant's: the throughput ratio a CPU-bound server would reach without outside noise. */
  cpuCostRatio: Record<string, number>;
  /**
   * Peak server RSS (MB) while only v1 traffic had run (GET then PUT, before
   * any load on Next's routes); undefined when no RSS reader was given.
   */
  peakV1OnlyMb?: number;
};

type Target = { url: string; token: string; storeId: string; seed: string; entries: number; bareUrl: string; barePid: number };

function values(n: number): string[] {
  // ~200-character client ciphertexts, precomputed so the load tool does no work.
  return Array.from({ length: n }, (_, i) => JSON.stringify({ value: "v1." + Buffer.from(`${i}:`.padEnd(148, "x")).toString("base64url") }));
}

function requestsFor(variant: RawVariant, t: Target): autocannon.Request[] {
  const hashes = Array.from({ length: t.entries }, (_, i) => benchKeyHash(t.seed, i));
  const bodies = values(64);
  const pick = <T>(a: T[]) => a[Math.floor(Math.random() * a.length)]!;
  const entryPath = (h: string) => `/api/v1/stores/${t.storeId}/entries/${h}`;
  switch (variant) {
    case "bare node:http":
      return [{ method: "GET", path: "/" }];
    case "noop":
      return [{ method: "GET", path: "/api/bench/noop" }];
    // The same no-op on a path shaped like the entry route (two dynamic
    // segments), with the same body for PUT: what Next.js alone costs there.
    case "noop GET, entry path":
      return [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/api/bench/stores/${t.storeId}/entries/${pick(hashes)}` }) }];
    case "noop PUT, entry path":
      return [{ method: "PUT", setupRequest: (req) => ({ ...req, path: `/api/bench/stores/${t.storeId}/entries/${pick(hashes)}`, body: pick(bodies) }) }];
    case "GET":
      return [{ method: "GET", setupRequest: (req) => ({ ...req, path: entryPath(pick(hashes)) }) }];
    case "PUT":
      return [{ method: "PUT", setupRequest: (req) => ({ ...req, path: entryPath(pick(hashes)), body: pick(bodies) }) }];
    case "PUT same 100 keys": {
      const hot = hashes.slice(0, 100);
      return [{ method: "PUT", setupRequest: (req) => ({ ...req, path: entryPath(pick(hot)), body: pick(bodies) }) }];
    }
  }
}

export async function load(t: Target, variant: RawVariant, seconds: number, connections: number, round: number, serverPid?: number): Promise<LoadResult> {
  const pid = variant === "bare node:http" ? t.barePid : serverPid;
  const meter = pid === undefined ? undefined : cpuMeter(pid);
  const result = await autocannon({
    url: variant === "bare node:http" ? t.bareUrl : t.url,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" },
    requests: requestsFor(variant, t),
  });
  const cpu = meter?.stop();
  return {
    serverCpuMsPerReq: cpu ? (cpu.serverCpuSeconds * 1000) / Math.max(1, result["2xx"]) : undefined,
    otherCores: cpu?.otherCores,
    variant,
    round,
    rps: result["2xx"] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/** One request of each kind: the bench measures what it thinks it measures. */
async function selfCheck(t: Target): Promise<void> {
  const auth = { authorization: `Bearer ${t.token}` };
  const noop = await fetch(`${t.url}/api/bench/noop`);
  if (noop.status !== 200) throw new Error(`no-op route answered ${noop.status}: start the server with VAULT_BENCH_ROUTES=on`);
  const path = `${t.url}/api/v1/stores/${t.storeId}/entries/${benchKeyHash(t.seed, 0)}`;
  const get = await fetch(path, { headers: auth });
  if (get.status !== 200) throw new Error(`GET of a preloaded entry answered ${get.status}: ${await get.text()}`);
  const put = await fetch(path, { method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: values(1)[0] });
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}: ${await put.text()}`);
}

export async function runRawApi(
  t: Target,
  options: { seconds: number; rounds: number; warmupSeconds: number; connections?: number; contended?: boolean; serverPid?: number; rssMb?: () => number; log?: (s: string) => void },
): Promise<RawApiResult> {
  const connections = options.connections ?? 32;
  const log = options.log ?? (() => {});
  await selfCheck(t);
  const order: RawVariant[] = [
    "bare node:http",
    "noop",
    "noop GET, entry path",
    "noop PUT, entry path",
    "GET",
    "PUT",
    ...(options.contended === false ? [] : (["PUT same 100 keys"] as RawVariant[])),
  ];
  // What the vault's own traffic costs in memory, before Next's pipeline
  // has been driven hard (the self-check sent it one request).
  let peakV1OnlyMb: number | undefined;
  if (options.rssMb) {
    const sampler = rssSampler(options.rssMb);
    for (const v of ["GET", "PUT"] as const) await load(t, v, options.seconds, connections, -1);
    peakV1OnlyMb = sampler.stop();
    log(`    v1 traffic only (GET, then PUT): peak RSS ${peakV1OnlyMb.toFixed(0)} MB`);
  }
  for (const v of order) await load(t, v, options.warmupSeconds, connections, -1);
  const all: LoadResult[] = [];
  for (let r = 0; r < options.rounds; r++) {
    // Rotate the order each round so no variant always runs first or last.
    const rotated = order.map((_, i) => order[(i + r) % order.length]!);
    for (const v of rotated) {
      const res = await load(t, v, options.seconds, connections, r, options.serverPid);
      const cpu = res.serverCpuMsPerReq === undefined ? "" : `  server ${res.serverCpuMsPerReq.toFixed(2)} ms CPU/req  others ${res.otherCores!.toFixed(2)} cores`;
      log(`    round ${r + 1}/${options.rounds} ${v.padEnd(17)} ${res.rps.toFixed(0).padStart(6)} req/s  p50 ${res.p50} ms  p99 ${res.p99} ms${cpu}${res.non2xx ? `  non-2xx ${res.non2xx}` : ""}`);
      all.push(res);
    }
  }
  const summary = (v: RawVariant): RawSummary => {
    const rs = all.filter((x) => x.variant === v);
    return {
      variant: v,
      rounds: rs,
      rps: median(rs.map((x) => x.rps)),
      p50: median(rs.map((x) => x.p50)),
      p99: median(rs.map((x) => x.p99)),
      p99Worst: Math.max(...rs.map((x) => x.p99)),
      non2xx: rs.reduce((s, x) => s + x.non2xx, 0),
      errors: rs.reduce((s, x) => s + x.errors, 0),
      serverCpuMsPerReq: median(rs.map((x) => x.serverCpuMsPerReq ?? NaN)),
      otherCores: median(rs.map((x) => x.otherCores ?? NaN)),
    };
  };
  const ratio = (v: RawVariant, baseline: RawVariant = "noop") => {
    const perRound = Array.from({ length: options.rounds }, (_, r) => {
      const a = all.find((x) => x.round === r && x.variant === v)!;
      const b = all.find((x) => x.round === r && x.variant === baseline)!;
      return a.rps / b.rps;
    });
    return { perRound, median: median(perRound) };
  };
  const variants = order.map(summary);
  const noopCpu = variants.find((v) => v.variant === "noop")!.serverCpuMsPerReq;
  return {
    peakV1OnlyMb,
    cpuCostRatio: Object.fromEntries(variants.map((v) => [v.variant, noopCpu / v.serverCpuMsPerReq])),
    connections,
    seconds: options.seconds,
    rounds: options.rounds,
    entries: t.entries,
    variants,
    getRatio: ratio("GET"),
    putRatio: ratio("PUT"),
    getRatioSamePath: ratio("GET", "noop GET, entry path"),
    putRatioSamePath: ratio("PUT", "noop PUT, entry path"),
    getRatioBare: ratio("GET", "bare node:http"),
    putRatioBare: ratio("PUT", "bare node:http"),
  };
}
