// Sustained load with autocannon against the production server: five
// minutes in full mode (30 s short), 32 connections, 3 reads to 1 write over
// 1,000 keys. No errors, no timeouts, no non-2xx; memory flat: the server's
// RSS (from /proc/<pid>/status) sampled every few seconds, reported as
// start / peak / end and a slope, and the growth between the first and the
// last quarter after warm-up bounded.
import autocannon from "autocannon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresReachable, type Provider } from "@/test/providers";
import { keyHash, makeProject, makeStoreAndKey } from "@/test/fixtures";
import { reconcileCounts } from "@/lib/vault/entries";
import { api, FULL, LOAD_ENV, pool, record, rssMiB, scaled, slopePerMinute, startCluster, type Cluster } from "./harness";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function sustained(provider: Provider, seconds: number) {
  let cluster: Cluster;
  let token: string;
  const keys = Array.from({ length: 1_000 }, () => keyHash());

  beforeAll(async () => {
    cluster = await startCluster(provider, 1, LOAD_ENV);
    const { project } = await makeProject();
    ({ token } = await makeStoreAndKey(project.id, "load"));
    await pool(10, 4, (b) =>
      api(cluster.url, "POST", "/api/v1/stores/load/entries/batch-set", { token, body: { entries: keys.slice(b * 100, b * 100 + 100).map((key) => ({ key, value: `v1.${"c".repeat(200)}` })) } }),
    );
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it(`${seconds} s of 32 connections: no errors, memory flat`, async () => {
    const pid = cluster.instances[0]!.pid;
    const samples: { t: number; y: number }[] = [];
    const t0 = Date.now();
    const every = scaled(2_000, 5_000);
    samples.push({ t: 0, y: rssMiB(pid) });
    const sampler = setInterval(() => samples.push({ t: (Date.now() - t0) / 1000, y: rssMiB(pid) }), every);
    let n = 0;
    const pick = () => keys[(n = (n * 1103515245 + 12345) >>> 0) % keys.length]!;
    const distinct3 = () => {
      const i = (n = (n * 1103515245 + 12345) >>> 0) % (keys.length - 2);
      return [keys[i]!, keys[i + 1]!, keys[i + 2]!];
    };
    const result = await autocannon({
      url: cluster.url,
      connections: 32,
      duration: seconds,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      requests: [
        { method: "GET", setupRequest: (req) => ({ ...req, path: `/api/v1/stores/load/entries/${pick()}` }) },
        { method: "GET", setupRequest: (req) => ({ ...req, path: `/api/v1/stores/load/entries/${pick()}` }) },
        { method: "POST", setupRequest: (req) => ({ ...req, path: "/api/v1/stores/load/entries/batch-get", body: JSON.stringify({ keys: distinct3() }) }) },
        { method: "PUT", setupRequest: (req) => ({ ...req, path: `/api/v1/stores/load/entries/${pick()}`, body: JSON.stringify({ value: `v1.${"w".repeat(200)}` }) }) },
      ],
    });
    clearInterval(sampler);
    samples.push({ t: (Date.now() - t0) / 1000, y: rssMiB(pid) });
    const warm = samples.filter((s) => s.t >= seconds * 0.2);
    const q = Math.max(1, Math.floor(warm.length / 4));
    const early = median(warm.slice(0, q).map((s) => s.y));
    const late = median(warm.slice(-q).map((s) => s.y));
    const drift = await reconcileCounts(false);
    const figures = {
      seconds,
      connections: 32,
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
      "2xx": result["2xx"],
      non2xx: result.non2xx,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([c, v]) => [c, (v as { count: number }).count])),
      serverErrors: cluster.logs().split("\n").filter((l) => /"level":"(error|warn)"|⨯/.test(l)).slice(0, 5),
      errors: result.errors,
      timeouts: result.timeouts,
      rssMiB: {
        start: +samples[0]!.y.toFixed(1),
        peak: +Math.max(...samples.map((s) => s.y)).toFixed(1),
        end: +samples[samples.length - 1]!.y.toFixed(1),
        afterWarmupFirstQuarter: +early.toFixed(1),
        lastQuarter: +late.toFixed(1),
        slopeAfterWarmupMiBPerMin: +slopePerMinute(warm).toFixed(2),
        samples: samples.length,
      },
      drift: drift.length,
    };
    record(`sustained-load-${provider}`, figures);
    expect(result.requests.total).toBeGreaterThan(seconds * 20);
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    // Flat: at most 64 MiB between the first and last quarter after warm-up.
    // Asserted on the five-minute run only; 30 s is mostly heap warm-up.
    if (FULL) expect(late - early).toBeLessThan(64);
    expect(drift).toEqual([]);
  });
}

describe("sustained load [sqlite]", () => sustained("sqlite", scaled(30, 300)));
const pgUp = await postgresReachable();
describe.skipIf(!FULL || !pgUp)("sustained load [postgres]", () => sustained("postgres", 60));
