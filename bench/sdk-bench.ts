// SDK crypto benchmark: what one call costs the calling app, against the
// scheme Stack Auth's data vault SDK uses, and what the opt-in key cache
// saves. The "server" is an in-memory fetch shared by both clients, so the
// only difference measured is the client-side crypto.
//
// Run alone: npx tsx bench/sdk-bench.ts [rounds]
// Every figure is a ratio of variants measured in the same run, with the
// variants interleaved (order alternating per round) and the median taken:
// single runs on a noisy 2-core machine differ by 2x.
import { createCipheriv, createDecipheriv, hkdfSync, pbkdf2, randomBytes } from "node:crypto";
import { pathToFileURL } from "node:url";
import { DataVaultClient, type DataVaultStore, type FetchLike } from "../sdk/src/index.js";

export interface SdkBenchRow {
  metric: string;
  sdk: string;
  baseline: string;
  ratio: number;
  target: string;
  pass: boolean;
}

const SECRET = "bench-secret-0123456789-abcdefghijklmnop";
const STORE = "bench";
const VALUE = "ghr_" + "x".repeat(196); // ~200-byte token

/** A vault in memory: just enough of the contract for get and set (with versions, which format v2 binds). */
function memoryFetch(): FetchLike {
  const entries = new Map<string, { value: string; version: number }>();
  return async (url, init) => {
    const hash = url.slice(url.lastIndexOf("/") + 1);
    const current = entries.get(hash);
    if (init.method === "PUT") {
      const body = JSON.parse(String(init.body)) as { value: string; ifVersion?: number };
      if (body.ifVersion !== undefined && body.ifVersion !== (current?.version ?? 0)) {
        return Response.json({ error: { code: "VERSION_CONFLICT", message: "moved", details: [{ path: "ifVersion", message: `current version is ${current?.version ?? 0}` }] } }, { status: 409 });
      }
      const version = (current?.version ?? 0) + 1;
      entries.set(hash, { value: body.value, version });
      return Response.json({ version, created: version === 1 });
    }
    if (current === undefined) return Response.json({ error: { code: "ENTRY_NOT_FOUND", message: "none" } }, { status: 404 });
    return Response.json({ value: current.value, version: current.version, createdAt: "", updatedAt: "", expiresAt: null });
  };
}

// ---- Baseline: Stack Auth's client-side scheme, rewritten from its
// description (stack-shared helpers/vault/client-side.ts, utils/crypto.ts).
// hashKey() and encryptValue()/decryptValue() each run the same 100,000-
// iteration PBKDF2 over (purpose, secret, key), so a get or a set costs two;
// hashKey adds a 1-iteration PBKDF2, encryption an HKDF with a random salt.
const pbkdf2Async = (password: Buffer, salt: string, iterations: number) =>
  new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password, salt, iterations, 32, "sha256", (e, k) => (e ? reject(e) : resolve(k))),
  );
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const iterated = (purpose: string, extra: string, value: Buffer, iterations: number) =>
  pbkdf2Async(value, JSON.stringify(["stack-crypto-helper-iterated-hash", purpose, "", b64(Buffer.from(extra))]), iterations);
const derived = (secret: string, key: string) => iterated("value-encryption-key-hash", secret, Buffer.from(key), 100_000);

async function baselineHashKey(secret: string, key: string): Promise<string> {
  return (await iterated("key-hash", secret, await derived(secret, key), 1)).toString("base64url");
}
function symmetricKey(secret: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, salt, JSON.stringify(["derived-symmetric-key", "value-encryption", b64(salt)]), 32));
}
async function baselineEncrypt(secret: string, key: string, value: string): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", symmetricKey(await derived(secret, key), salt), iv);
  const body = Buffer.concat([cipher.update(value, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return b64(Buffer.concat([Buffer.from([1, 0]), salt, iv, body]));
}
async function baselineDecrypt(secret: string, key: string, text: string): Promise<string> {
  const raw = Buffer.from(text, "base64");
  const decipher = createDecipheriv("aes-256-gcm", symmetricKey(await derived(secret, key), raw.subarray(2, 18)), raw.subarray(18, 30));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(30, raw.length - 16)), decipher.final()]).toString("utf8");
}

/** A client shaped like the SDK's store, using the baseline scheme. */
function baselineStore(fetchImpl: FetchLike) {
  const url = (hash: string) => `http://bench/api/v1/stores/${STORE}/entries/${hash}`;
  return {
    async setValue(key: string, value: string): Promise<void> {
      const hash = await baselineHashKey(SECRET, key);
      const body = JSON.stringify({ value: await baselineEncrypt(SECRET, key, value) });
      await (await fetchImpl(url(hash), { method: "PUT", body })).json();
    },
    async getValue(key: string): Promise<string | null> {
      const hash = await baselineHashKey(SECRET, key);
      const response = await fetchImpl(url(hash), { method: "GET" });
      const entry = (await response.json()) as { value?: string };
      return entry.value === undefined ? null : baselineDecrypt(SECRET, key, entry.value);
    },
  };
}

type Op = (i: number) => Promise<unknown>;

async function timeSequential(op: Op, calls: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await op(i);
  return (performance.now() - start) / calls;
}

async function timeConcurrent(op: Op, calls: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: calls }, (_, i) => op(i)));
  return (performance.now() - start) / calls;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs a and b interleaved for `rounds`, alternating which goes first. */
async function compare(rounds: number, a: () => Promise<number>, b: () => Promise<number>) {
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let ta: number;
    let tb: number;
    if (r % 2 === 0) {
      ta = await a();
      tb = await b();
    } else {
      tb = await b();
      ta = await a();
    }
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios) };
}

const ms = (value: number) => (value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(1)} µs`);

function makeSdkStore(fetchImpl: FetchLike, cache: boolean): DataVaultStore {
  return new DataVaultClient({ baseUrl: "http://bench", serverKey: "bench-key", fetch: fetchImpl, cache }).getDataVaultStore(STORE);
}

export async function runSdkBench(options: { rounds?: number } = {}): Promise<SdkBenchRow[]> {
  const rounds = options.rounds ?? 7;
  const fetchImpl = memoryFetch();
  const sdk = makeSdkStore(fetchImpl, false);
  const cached = makeSdkStore(fetchImpl, true);
  const base = baselineStore(fetchImpl);
  const rows: SdkBenchRow[] = [];

  // Keys exist for both schemes before reads; one warm-up call each.
  const KEYS = 8;
  for (let i = 0; i < KEYS; i++) {
    await sdk.setValue(`user:${i}`, VALUE, { secret: SECRET });
    await base.setValue(`user:${i}`, VALUE);
  }
  if ((await sdk.getValue("user:0", { secret: SECRET })) !== VALUE || (await base.getValue("user:0")) !== VALUE) {
    throw new Error("bench self-check failed: a value did not read back");
  }

  const variants: Array<[string, Op, Op, (op: Op, n: number) => Promise<number>, number]> = [
    ["getValue, one caller", (i) => sdk.getValue(`user:${i % KEYS}`, { secret: SECRET }), (i) => base.getValue(`user:${i % KEYS}`), timeSequential, 4],
    ["setValue, one caller", (i) => sdk.setValue(`user:${i % KEYS}`, VALUE, { secret: SECRET }), (i) => base.setValue(`user:${i % KEYS}`, VALUE), timeSequential, 4],
    ["getValue, 8 concurrent", (i) => sdk.getValue(`user:${i % KEYS}`, { secret: SECRET }), (i) => base.getValue(`user:${i % KEYS}`), timeConcurrent, 8],
    ["setValue, 8 concurrent", (i) => sdk.setValue(`user:${i % KEYS}`, VALUE, { secret: SECRET }), (i) => base.setValue(`user:${i % KEYS}`, VALUE), timeConcurrent, 8],
  ];
  for (const [name, sdkOp, baseOp, timer, calls] of variants) {
    const result = await compare(rounds, () => timer(sdkOp, calls), () => timer(baseOp, calls));
    rows.push({
      metric: `${name}: SDK / Stack Auth scheme (time per call)`,
      sdk: ms(result.a),
      baseline: ms(result.b),
      ratio: result.ratio,
      target: "<= 0.55",
      pass: result.ratio <= 0.55,
    });
  }

  // Cache: the same key read again and again, with and without the cache.
  await cached.getValue("user:0", { secret: SECRET });
  const cache = await compare(
    rounds,
    () => timeSequential(() => cached.getValue("user:0", { secret: SECRET }), 400),
    () => timeSequential(() => sdk.getValue("user:0", { secret: SECRET }), 3),
  );
  const speedup = 1 / cache.ratio;
  rows.push({
    metric: "repeated getValue: uncached / cached (speed-up)",
    sdk: ms(cache.a),
    baseline: ms(cache.b),
    ratio: speedup,
    target: ">= 50",
    pass: speedup >= 50,
  });
  return rows;
}

export function formatSdkBench(rows: SdkBenchRow[]): string {
  const header = ["metric", "SDK", "compared with", "ratio", "target", "ok"];
  const body = rows.map((r) => [r.metric, r.sdk, r.baseline, r.ratio.toFixed(r.ratio >= 10 ? 0 : 3), r.target, r.pass ? "yes" : "NO"]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...body.map(line)].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rounds = Number(process.argv[2] ?? 7);
  const rows = await runSdkBench({ rounds });
  console.log(`SDK crypto benchmark (${rounds} interleaved rounds, medians; in-memory vault, no network)\n`);
  console.log(formatSdkBench(rows));
  if (rows.some((r) => !r.pass)) process.exitCode = 1;
}
