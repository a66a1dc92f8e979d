import "server-only";
// Prometheus metrics (prom-client), served at GET /api/metrics behind
// VAULT_METRICS_TOKEN. One registry per process, on globalThis: Next's
// bundle and the custom server's share it.
//
// Label cardinality is bounded by construction: operations come from the
// operation table (plus "unmatched"), statuses from the error table, stores
// are per store (at most MAX_STORE_SERIES, the largest first), never per
// entry; no label ever carries a key hash, a token or anything secret.
// Database-backed gauges (entries per store from the stores' counters,
// master key age and wraps, rewrap progress) are read at scrape time, at
// most once per DB_REFRESH_MS.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { getDb, getDbTarget, getPgPool } from "../db/client";
import { processSingleton } from "../singleton";
import { auditStats } from "../audit/record";

export const MAX_STORE_SERIES = 1000;
const DB_REFRESH_MS = 5_000;

type DbSnapshot = {
  stores: { projectId: string; storeId: string; entryCount: number }[];
  storeCount: number;
  primary: { version: number; createdAt: Date; wrapCount: number } | null;
  masterKeys: Record<string, number>;
  rewrap: { processed: number; total: number; running: boolean; failed: boolean } | null;
};

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: "vault_http_requests_total",
    help: "Requests to /api/v1 and /api/health, by operation (the OpenAPI operationId, or unmatched) and status.",
    labelNames: ["operation", "status"] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: "vault_http_request_duration_seconds",
    help: "Time from receiving a request to its answer being ready, by operation.",
    labelNames: ["operation"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: "vault_rate_limited_total",
    help: "Requests refused with 429: server_key (a key's bucket) or client_address (unknown keys from one address).",
    labelNames: ["bucket"] as const,
    registers: [registry],
  });

  const state = { snapshot: null as DbSnapshot | null, at: 0, loading: null as Promise<DbSnapshot> | null };
  const snapshot = async (): Promise<DbSnapshot> => {
    if (state.snapshot && Date.now() - state.at < DB_REFRESH_MS) return state.snapshot;
    state.loading ??= readDb().finally(() => (state.loading = null));
    state.snapshot = await state.loading;
    state.at = Date.now();
    return state.snapshot;
  };

  new Gauge({
    name: "vault_store_entries",
    help: `Entries per store, from the store's counter (expired entries not yet purged included). At most ${MAX_STORE_SERIES} stores, the largest.`,
    labelNames: ["project", "store"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of (await snapshot()).stores) this.set({ project: s.projectId, store: s.storeId }, s.entryCount);
    },
  });
  new Gauge({
    name: "vault_stores",
    help: "Stores on this vault (all of them, also those beyond the per-store series).",
    registers: [registry],
    async collect() {
      this.set((await snapshot()).storeCount);
    },
  });
  new Gauge({
    name: "vault_master_key_age_seconds",
    help: "Age of the primary master key.",
    registers: [registry],
    async collect() {
      const p = (await snapshot()).primary;
      if (p) this.set((Date.now() - p.createdAt.getTime()) / 1000);
    },
  });
  new Gauge({
    name: "vault_master_key_wraps",
    help: "Data keys wrapped by the primary master key (flushed every few seconds).",
    registers: [registry],
    async collect() {
      const p = (await snapshot()).primary;
      if (p) this.set(p.wrapCount);
    },
  });
  new Gauge({
    name: "vault_master_key_version",
    help: "The primary master key's version.",
    registers: [registry],
    async collect() {
      const p = (await snapshot()).primary;
      if (p) this.set(p.version);
    },
  });
  new Gauge({
    name: "vault_master_keys",
    help: "Master key versions by state (primary, active, retired).",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [s, n] of Object.entries((await snapshot()).masterKeys)) this.set({ state: s }, n);
    },
  });
  new Gauge({
    name: "vault_rewrap_entries",
    help: "The latest rewrap job: entries processed and total.",
    labelNames: ["kind"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      const r = (await snapshot()).rewrap;
      if (r) {
        this.set({ kind: "processed" }, r.processed);
        this.set({ kind: "total" }, r.total);
      }
    },
  });
  new Gauge({
    name: "vault_rewrap_running",
    help: "1 while a rewrap job is running (0 otherwise); vault_rewrap_failing is 1 when its last batch failed.",
    registers: [registry],
    async collect() {
      this.set((await snapshot()).rewrap?.running ? 1 : 0);
    },
  });
  new Gauge({
    name: "vault_rewrap_failing",
    help: "1 when the running rewrap job's last attempt failed (it resumes on the next run).",
    registers: [registry],
    async collect() {
      this.set((await snapshot()).rewrap?.failed ? 1 : 0);
    },
  });

  new Gauge({
    name: "vault_audit_queue_depth",
    help: "Audit events waiting to be written.",
    registers: [registry],
    collect() {
      this.set(auditStats().depth);
    },
  });
  new Gauge({
    name: "vault_audit_queue_capacity",
    help: "Most audit events the queue holds (VAULT_AUDIT_QUEUE_SIZE).",
    registers: [registry],
    collect() {
      this.set(auditStats().capacity);
    },
  });
  new Counter({
    name: "vault_audit_events_written_total",
    help: "Audit events written in batches by this process.",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(auditStats().written);
    },
  });
  new Counter({
    name: "vault_audit_events_dropped_total",
    help: "Audit events not recorded: queue_full (the queue was full) or write_failed (a batch failed every attempt).",
    labelNames: ["reason"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const { dropped } = auditStats();
      for (const [reason, n] of Object.entries(dropped)) this.inc({ reason }, n);
    },
  });
  new Counter({
    name: "vault_audit_write_failures_total",
    help: "Failed attempts to write a batch of audit events (each batch is tried up to 3 times).",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(auditStats().writeFailures);
    },
  });
  new Gauge({
    name: "vault_audit_required",
    help: "1 when VAULT_AUDIT=required (requests fail when their events cannot be written).",
    registers: [registry],
    collect() {
      this.set(auditStats().mode === "required" ? 1 : 0);
    },
  });

  new Gauge({
    name: "vault_db_pool_connections",
    help: "PostgreSQL only: connections of the hot path's pool by state (total, idle, waiting = queued requests for a connection, max).",
    labelNames: ["state"] as const,
    registers: [registry],
    collect() {
      this.reset();
      if (getDbTarget().provider !== "postgres") return;
      const pool = getPgPool();
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
      this.set({ state: "max" }, pool.options.max ?? 10);
    },
  });

  return { registry, requests, duration, rateLimited, children: new Map<string, { count: Counter.Internal; time: Histogram.Internal<"operation"> }>() };
}

async function readDb(): Promise<DbSnapshot> {
  const db = getDb();
  const [stores, storeCount, keys, rewrap] = await Promise.all([
    db.store.findMany({ select: { projectId: true, storeId: true, entryCount: true }, orderBy: { entryCount: "desc" }, take: MAX_STORE_SERIES }),
    db.store.count(),
    db.masterKey.findMany({ select: { version: true, state: true, createdAt: true, wrapCount: true } }),
    db.rewrapJob.findFirst({ orderBy: { startedAt: "desc" } }),
  ]);
  const primary = keys.find((k) => k.state === "primary") ?? null;
  const masterKeys: Record<string, number> = { primary: 0, active: 0, retired: 0 };
  for (const k of keys) masterKeys[k.state] = (masterKeys[k.state] ?? 0) + 1;
  return {
    stores,
    storeCount,
    primary,
    masterKeys,
    rewrap: rewrap ? { processed: rewrap.processed, total: rewrap.total, running: rewrap.state === "running", failed: rewrap.state === "running" && rewrap.error !== null } : null,
  };
}

export const metrics = () => processSingleton("metrics", create);

/** One v1 request (or health, or the document): its count and duration. */
export function observeHttp(operation: string, status: number, seconds: number): void {
  const m = metrics();
  const key = `${operation}|${status}`;
  let child = m.children.get(key);
  if (!child) {
    child = { count: m.requests.labels(operation, String(status)), time: m.duration.labels(operation) };
    m.children.set(key, child);
  }
  child.count.inc();
  child.time.observe(seconds);
}

export function countRateLimited(bucket: "server_key" | "client_address"): void {
  metrics().rateLimited.labels(bucket).inc();
}

/** The text exposition and its content type. */
export async function renderMetrics(): Promise<{ body: string; contentType: string }> {
  const m = metrics();
  return { body: await m.registry.metrics(), contentType: m.registry.contentType };
}
