// The queue between the v1 request path and the audit table: events are
// appended in memory and written in batches (one transaction each) a moment
// later, so a request never waits for an audit insert unless the operator
// asked for that (VAULT_AUDIT=required). The queue is bounded: when it is
// full, or a batch cannot be written after retries, the events are dropped
// and counted (per reason, and per project), a warning is logged, and as
// soon as writing works again an "audit.events_dropped" event records the
// gap in the trail itself. Nothing is ever dropped silently.
//
// In required mode each event carries a waiter: the request answers only
// once its events are committed, and fails (503) when they are dropped.
import { log } from "../log";
import { newEventId } from "./ids";
import type { AuditRow } from "./repo";

export type DropReason = "queue_full" | "write_failed";

export class AuditUnavailableError extends Error {
  override name = "AuditUnavailableError";
}

type Waiter = { resolve: () => void; reject: (error: Error) => void };
type Pending = { row: AuditRow; waiter: Waiter | null };

export type WriterOptions = {
  /** Most events held in memory; one more is dropped. */
  capacity: number;
  /** Most events per transaction. */
  batchSize: number;
  /** How long a first event waits for company before a batch is written (0: at once). */
  flushDelayMs: number;
  /** Attempts per batch before its events are dropped. */
  attempts: number;
  /** Backoff between attempts, and before writing again after a failure. */
  retryDelayMs: number;
  write: (rows: AuditRow[]) => Promise<void>;
};

export type WriterStats = {
  depth: number;
  capacity: number;
  written: number;
  dropped: Record<DropReason, number>;
  writeFailures: number;
  healthy: boolean;
  lastFailureAt: string | null;
};

/** Projects tracked one by one for the drop report; the rest are reported together. */
const MAX_DROP_PROJECTS = 1000;
const WARN_EVERY_MS = 10_000;

export class AuditWriter {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private written = 0;
  private writeFailures = 0;
  private dropped: Record<DropReason, number> = { queue_full: 0, write_failed: 0 };
  private unreported = new Map<string | null, number>();
  private lastWarn = new Map<DropReason, { at: number; since: number }>();
  private healthy = true;
  private lastFailureAt: Date | null = null;

  constructor(private readonly options: WriterOptions) {}

  /**
   * Queues one event. With `wait`, returns a promise that settles when the
   * event is committed (or rejects with AuditUnavailableError when it is
   * dropped); without, returns null and never throws.
   */
  enqueue(row: AuditRow, wait: boolean): Promise<void> | null {
    let promise: Promise<void> | null = null;
    let waiter: Waiter | null = null;
    if (wait) promise = new Promise<void>((resolve, reject) => (waiter = { resolve, reject }));
    if (this.queue.length >= this.options.capacity) {
      this.drop("queue_full", [{ row, waiter }]);
      return promise;
    }
    this.queue.push({ row, waiter });
    this.schedule();
    return promise;
  }

  /** False after a batch failed every attempt, until one succeeds again. */
  isHealthy(): boolean {
    return this.healthy;
  }

  stats(): WriterStats {
    return {
      depth: this.queue.length,
      capacity: this.options.capacity,
      written: this.written,
      dropped: { ...this.dropped },
      writeFailures: this.writeFailures,
      healthy: this.healthy,
      lastFailureAt: this.lastFailureAt?.toISOString() ?? null,
    };
  }

  /** Writes everything queued now (shutdown, tests); resolves when the queue is empty or writing failed. */
  async drain(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.running) await this.running;
    while (this.queue.length > 0) {
      if (!(await this.writeBatch(this.queue.splice(0, this.options.batchSize)))) {
        this.drop("write_failed", this.queue.splice(0));
        return;
      }
    }
  }

  private schedule(): void {
    const full = this.queue.length >= this.options.batchSize;
    // A full batch does not wait out the delay (unless writing is failing).
    if (this.timer && full && this.healthy && this.options.flushDelayMs > 0) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.running || this.timer) return;
    const delay = !this.healthy ? this.options.retryDelayMs : full ? 0 : this.options.flushDelayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, delay);
    this.timer.unref?.();
  }

  private run(): void {
    this.running = (async () => {
      try {
        while (this.queue.length > 0) {
          // After a failure, wait retryDelayMs (schedule) before the next try.
          if (!(await this.writeBatch(this.queue.splice(0, this.options.batchSize)))) break;
          // Requests waiting on the event loop go before the next batch (a
          // SQLite batch is written synchronously and holds the loop meanwhile).
          if (this.queue.length > 0) await new Promise((r) => setImmediate(r));
        }
      } finally {
        this.running = null;
      }
      if (this.queue.length > 0) this.schedule();
    })();
  }

  private async writeBatch(batch: Pending[]): Promise<boolean> {
    const rows = batch.map((p) => p.row);
    // The gap so far goes with the batch; it stays pending until a batch commits.
    const report = this.dropReport();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.options.write(report.length > 0 ? [...report, ...rows] : rows);
        this.written += rows.length + report.length;
        this.healthy = true;
        if (report.length > 0) this.unreported.clear();
        for (const p of batch) p.waiter?.resolve();
        return true;
      } catch (error) {
        this.writeFailures++;
        if (attempt >= this.options.attempts) {
          this.healthy = false;
          this.lastFailureAt = new Date();
          log.error("audit events could not be written", { events: rows.length, reason: String((error as Error)?.message ?? error).slice(0, 200) });
          this.drop("write_failed", batch);
          return false;
        }
        await new Promise((r) => setTimeout(r, this.options.retryDelayMs * attempt).unref?.());
      }
    }
  }

  private drop(reason: DropReason, items: Pending[]): void {
    this.dropped[reason] += items.length;
    for (const { row, waiter } of items) {
      const key = this.unreported.has(row.projectId) || this.unreported.size < MAX_DROP_PROJECTS ? row.projectId : null;
      this.unreported.set(key, (this.unreported.get(key) ?? 0) + 1);
      waiter?.reject(new AuditUnavailableError(reason === "queue_full" ? "the audit queue is full" : "the audit log cannot be written"));
    }
    const now = Date.now();
    const warn = this.lastWarn.get(reason) ?? { at: 0, since: 0 };
    warn.since += items.length;
    if (now - warn.at >= WARN_EVERY_MS) {
      log.warn("audit events dropped", { reason, events: warn.since, totalDropped: this.dropped[reason] });
      warn.at = now;
      warn.since = 0;
    }
    this.lastWarn.set(reason, warn);
  }

  /** The gap in the trail, as events: one per project that lost events, and one for the instance. */
  private dropReport(): AuditRow[] {
    if (this.unreported.size === 0) return [];
    const now = new Date();
    let total = 0;
    const rows: AuditRow[] = [];
    for (const [projectId, count] of this.unreported) {
      total += count;
      if (projectId !== null) rows.push(dropRow(now, projectId, count));
    }
    rows.push(dropRow(now, null, total));
    return rows;
  }
}

function dropRow(at: Date, projectId: string | null, count: number): AuditRow {
  return {
    id: newEventId(at),
    createdAt: at,
    action: "audit.events_dropped",
    result: "error",
    status: null,
    actorType: "system",
    actorId: "audit-writer",
    projectId,
    storeId: null,
    keyHash: null,
    operation: null,
    target: String(count),
    clientAddress: null,
    requestId: null,
  };
}
