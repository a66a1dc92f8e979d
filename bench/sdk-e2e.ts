// The SDK end to end through a running server: getValue and setValue at 1,
// 8 and 32 concurrent callers in this process, with per-call latency. Each
// call does one PBKDF2 (100,000 iterations) on the caller's machine, so the
// throughput is bounded by the caller's cores, not by the server; the run
// measures that bound too (bare derivations/s in the same process) so the
// table can say how close the SDK gets to it.
import { pbkdf2, randomBytes } from "node:crypto";
import { DataVaultClient } from "../sdk/src/index.js";
import { median, percentile } from "./lib/stats";

export type SdkE2eRow = {
  op: "getValue" | "setValue";
  concurrency: number;
  calls: number;
  seconds: number;
  callsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
};

export type SdkE2eResult = {
  rows: SdkE2eRow[];
  /** Bare PBKDF2-HMAC-SHA256 (100,000 iterations) per second with 32 in flight, same process. */
  derivationsPerSecond: number;
};

const SECRET = "bench-e2e-secret-0123456789-abcdefghijklmnop";
const KEYS = 64;

function derive(): Promise<void> {
  return new Promise((resolve, reject) =>
    pbkdf2(randomBytes(32), "bench", 100_000, 32, "sha256", (e) => (e ? reject(e) : resolve())),
  );
}

async function closedLoop(concurrency: number, seconds: number, op: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const i = n++;
        const t0 = performance.now();
        try {
          await op(i);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  return { latencies, errors, elapsed };
}

export async function runSdkE2e(
  target: { url: string; token: string; storeId: string },
  options: { seconds: number; concurrency?: number[]; log?: (s: string) => void },
): Promise<SdkE2eResult> {
  const log = options.log ?? (() => {});
  const client = new DataVaultClient({ baseUrl: target.url, serverKey: target.token, timeoutMs: 30_000 });
  const store = client.getDataVaultStore(target.storeId);
  const token = () => "ghr_" + randomBytes(147).toString("base64url").slice(0, 196);
  // Keys to read: written once through the batch path.
  await store.setValues(
    Array.from({ length: KEYS }, (_, i) => [`gh:${i}`, token()] as [string, string]),
    { secret: SECRET },
  );
  const probe = await store.getValue("gh:1", { secret: SECRET });
  if (probe === null || !probe.startsWith("ghr_")) throw new Error("SDK e2e self-check failed: a value did not read back");

  const derivation = await closedLoop(32, Math.max(1, options.seconds / 2), () => derive());
  const derivationsPerSecond = derivation.latencies.length / derivation.elapsed;
  log(`    bare PBKDF2 (100k), 32 in flight: ${derivationsPerSecond.toFixed(1)}/s`);

  const rows: SdkE2eRow[] = [];
  for (const concurrency of options.concurrency ?? [1, 8, 32]) {
    for (const op of ["getValue", "setValue"] as const) {
      const run = await closedLoop(concurrency, options.seconds, (i) =>
        op === "getValue"
          ? store.getValue(`gh:${i % KEYS}`, { secret: SECRET })
          : store.setValue(`gh:w${i % 1000}`, token(), { secret: SECRET }),
      );
      const row: SdkE2eRow = {
        op,
        concurrency,
        calls: run.latencies.length,
        seconds: run.elapsed,
        callsPerSecond: run.latencies.length / run.elapsed,
        p50: median(run.latencies),
        p99: percentile(run.latencies, 99),
        errors: run.errors,
      };
      log(`    ${op} x${concurrency}: ${row.callsPerSecond.toFixed(1)} calls/s  p50 ${row.p50.toFixed(0)} ms  p99 ${row.p99.toFixed(0)} ms${row.errors ? `  errors ${row.errors}` : ""}`);
      rows.push(row);
    }
  }
  return { rows, derivationsPerSecond };
}
