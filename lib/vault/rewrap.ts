import "server-only";
// The rewrap job: after a rotation, re-wraps every data key still under an
// older master key with the primary one (the values themselves are not
// touched), then retires the old versions.
//
// - Resumable: batches in index order; each batch commits its rows, its
//   cursor and its progress in one short transaction (rewrap-repo.ts).
// - One runner: a lease in the database, renewed inside every batch's
//   transaction, so a batch of a runner that lost the lease never commits.
// - Heals around bad rows: a row whose data key does not unwrap is
//   quarantined (recorded with its store and key hash, never its data) and
//   the job goes on; its version retires once only quarantined rows
//   reference it and an admin accepts them (quarantine.ts). A master key
//   that does not open is not a bad row: the job stops and says so.
// - Serving is not disturbed: each step is a few milliseconds of
//   synchronous work, and the job yields to requests between steps and
//   pauses between batches (on SQLite the servers share its connection).
// - Honest status: "running" only while a live lease backs it; a runner that
//   died shows as "stalled", a failed one as "failed", both with the reason.
// Reads never fail meanwhile: old versions keep unwrapping until retired.
import { setImmediate as yieldToRequests } from "node:timers/promises";
import { getDb } from "../db/client";
import { isStopping } from "../lifecycle";
import { log } from "../log";
import { processSingleton } from "../singleton";
import { unwrapDataKey, wrapDataKey, wrappedKeyVersion } from "./envelope";
import { IntegrityError } from "./errors";
import { getMasterKey, getPrimaryKey, recordWraps } from "./keyring";
import { acquireLease, INSTANCE_ID, releaseLease } from "./lease";
import { awaitingConfirmation, checkOldVersions, dropStaleQuarantine, quarantineSummary, type QuarantineSummary } from "./quarantine";
import { commitBatch, commitBlocksEventLoop, CURSOR_START, fetchBatch, LostLease, type Cursor, type Move, type OldRow, type Quarantine } from "./rewrap-repo";
import { RETIRE_GRACE_MS } from "./timing";

export { RETIRE_GRACE_MS } from "./timing";
const LEASE = "rewrap";
/** Renewed with every batch: a runner that died shows as "stalled" after at most this long. */
const LEASE_MS = 15_000;
/** The first batch's size; on SQLite it then adapts (COMMIT_TARGET_MS). */
export const REWRAP_BATCH = 200;
/**
 * Pause between batches: twice as long as the batch took (so the job takes
 * at most a third of the process's time, and requests the rest), within
 * these bounds. A background job may be slow; serving may not.
 */
const PAUSE_FACTOR = 2;
const MIN_PAUSE_MS = 2;
const MAX_PAUSE_MS = 200;
/** After the grace period, sweeps for rows an instance wrote with the old primary meanwhile. */
const MAX_SWEEPS = 3;
/** Rows re-wrapped between two yields (about 2 ms of AES-GCM). */
const CRYPTO_CHUNK = 50;
/** How long one SQLite batch commit may hold the shared connection (adaptive batch size). */
const COMMIT_TARGET_MS = 4;
const MIN_BATCH = 20;
const MAX_BATCH = 500;

export type RewrapState = "idle" | "running" | "retiring" | "stalled" | "done" | "failed";

export type RewrapStatus = {
  state: RewrapState;
  targetVersion: number | null;
  /** Rows handled (moved, found already moved, or quarantined) of those under older versions when the job started. */
  processed: number;
  total: number;
  moved: number;
  /** Rows this job quarantined. */
  quarantined: number;
  /** Entries per second, while it runs. */
  ratePerSecond: number | null;
  etaSeconds: number | null;
  startedAt: string | null;
  updatedAt: string | null;
  finishedAt: string | null;
  /** Why a job failed or stalled, in words an operator can act on. */
  reason: string | null;
  /** Every quarantined entry now (any job). */
  quarantine: QuarantineSummary;
  /** Old versions only unconfirmed quarantined entries keep from retiring. */
  awaitingConfirmation: number[];
};

type JobRow = NonNullable<Awaited<ReturnType<ReturnType<typeof getDb>["rewrapJob"]["findFirst"]>>>;

const ACTIVE_STATES = ["running", "retiring"];

export async function getRewrapStatus(): Promise<RewrapStatus> {
  const db = getDb();
  const [job, lease, quarantine] = await Promise.all([
    db.rewrapJob.findFirst({ orderBy: { startedAt: "desc" } }),
    db.lease.findUnique({ where: { name: LEASE } }),
    quarantineSummary(),
  ]);
  const now = Date.now();
  let state: RewrapState = job ? (job.state as RewrapState) : "idle";
  let reason = job?.error ?? null;
  if (job && ACTIVE_STATES.includes(job.state) && !(lease && lease.expiresAt.getTime() > now)) {
    state = "stalled";
    reason =
      `No instance has worked on it since ${job.updatedAt.toISOString()}: the process running it stopped. ` +
      "It resumes where it stopped on the next run: a server with background jobs retries within a minute, or run `npm run admin -- rewrap`.";
  }
  const live = state === "running";
  const rate = live && job?.ratePerSecond ? job.ratePerSecond : null;
  const remaining = job ? Math.max(0, job.total - job.processed) : 0;
  return {
    state,
    targetVersion: job?.targetVersion ?? null,
    processed: job?.processed ?? 0,
    total: job?.total ?? 0,
    moved: job?.moved ?? 0,
    quarantined: job?.quarantined ?? 0,
    ratePerSecond: rate,
    etaSeconds: rate ? Math.ceil(remaining / rate) : null,
    startedAt: job?.startedAt.toISOString() ?? null,
    updatedAt: job?.updatedAt.toISOString() ?? null,
    finishedAt: job?.finishedAt?.toISOString() ?? null,
    reason: state === "failed" || state === "stalled" ? reason : null,
    quarantine,
    // Only when nothing runs: a running job may still move or quarantine rows.
    awaitingConfirmation: live || state === "retiring" ? [] : await awaitingConfirmation(),
  };
}

type RunOptions = {
  batchSize?: number;
  onProgress?: (s: { processed: number; total: number; moved: number; quarantined: number }) => void;
  /** Stop after this many batches, leaving the job resumable (tests). */
  maxBatches?: number;
  /** How old a rotation must be before old versions may be retired. */
  retireAfterMs?: number;
  /** Fixed pause between batches instead of the adaptive one (tests, bench). */
  pauseMs?: number;
};

/** A master key that does not open stops the job: no row is to blame. */
class MasterKeyUnavailable extends Error {
  override name = "MasterKeyUnavailable";
}

/**
 * Runs (or resumes) the rewrap until nothing but quarantined rows references
 * an old version, then retires what it can. Returns false without doing
 * anything when another instance holds the lease.
 */
export async function runRewrap(options: RunOptions = {}): Promise<boolean> {
  if (!(await acquireLease(LEASE, LEASE_MS))) return false;
  const db = getDb();
  let job: JobRow | null = null;
  try {
    const primary = await getPrimaryKey();
    const graceMs = options.retireAfterMs ?? RETIRE_GRACE_MS;
    const unfinished = await db.rewrapJob.findMany({ where: { state: { in: [...ACTIVE_STATES, "failed"] } }, orderBy: { startedAt: "desc" } });
    job = unfinished.find((j) => j.targetVersion === primary.version) ?? null;
    const superseded = unfinished.filter((j) => j !== job).map((j) => j.id);
    if (superseded.length > 0) {
      // A newer rotation happened: their work continues toward the new primary.
      await db.rewrapJob.updateMany({ where: { id: { in: superseded } }, data: { state: "done", finishedAt: new Date(), error: `superseded by the rotation to v${primary.version}` } });
    }
    await dropStaleQuarantine();
    if (!job) {
      const versions = await checkOldVersions();
      const work = versions.some((v) => v.unquarantined);
      const retirable = versions.some((v) => !v.unquarantined && v.unconfirmed === 0);
      // Nothing to move, nothing to retire: only quarantined rows awaiting an admin.
      if (!work && !retirable) return true;
      const total = await db.entry.count({ where: { masterKeyVersion: { lt: primary.version } } });
      job = await db.rewrapJob.create({ data: { targetVersion: primary.version, state: "running", total } });
      log.info("rewrap started", { targetVersion: primary.version, total });
    } else if (job.state !== "running") {
      job = await db.rewrapJob.update({ where: { id: job.id }, data: { state: "running", error: null } });
      log.info("rewrap resumed", { targetVersion: primary.version, processed: job.processed, total: job.total });
    }

    const runner = new BatchRunner(job, primary, options);
    for (let sweep = 0; ; sweep++) {
      const finished = await runner.moveAll();
      if (!finished) return true; // maxBatches reached: left resumable
      if (sweep === 0) {
        // Every row seen: wait until no instance can still write with an old
        // primary, then look again for rows such an instance wrote meanwhile.
        await db.rewrapJob.update({ where: { id: job.id }, data: { state: "retiring" } });
        const primaryRow = await db.masterKey.findUnique({ where: { version: primary.version }, select: { createdAt: true } });
        const wait = graceMs - (Date.now() - (primaryRow?.createdAt.getTime() ?? 0));
        if (wait > 0) {
          if (!(await acquireLease(LEASE, LEASE_MS + wait))) throw new LostLease();
          await new Promise((r) => setTimeout(r, Math.min(wait, graceMs)));
        }
      }
      const stragglers = (await checkOldVersions()).some((v) => v.unquarantined);
      if (!stragglers || sweep + 1 >= MAX_SWEEPS) break;
      runner.restart();
    }
    const retired = await retireOldVersions();
    await db.rewrapJob.update({
      where: { id: job.id },
      data: { state: "done", finishedAt: new Date(), total: Math.max(job.total, runner.processed), processed: runner.processed, ratePerSecond: null },
    });
    log.info("rewrap finished", { targetVersion: primary.version, moved: runner.moved, quarantined: runner.quarantined, retired: retired.join(",") });
    return true;
  } catch (error) {
    const reason = describeFailure(error);
    log.error("rewrap failed; it resumes on the next run", { reason });
    if (job) await db.rewrapJob.updateMany({ where: { id: job.id }, data: { state: "failed", error: reason } }).catch(() => undefined);
    throw error;
  } finally {
    await releaseLease(LEASE).catch(() => undefined);
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof MasterKeyUnavailable || error instanceof LostLease) return error.message;
  // Driver errors span lines and may quote SQL; the first line says what happened.
  const first = String((error as Error)?.message ?? error).trim().split("\n")[0] ?? "unknown error";
  return first.slice(0, 300);
}

class BatchRunner {
  processed: number;
  moved: number;
  quarantined: number;
  total: number;
  private cursor: Cursor;
  private rate: number | null;
  private batches = 0;
  private batchSize = REWRAP_BATCH;
  private readonly costs: number[] = [];
  private readonly keys = new Map<number, Buffer | null>();

  constructor(
    private readonly job: JobRow,
    private readonly primary: { version: number; key: Buffer },
    private readonly options: RunOptions,
  ) {
    this.processed = job.processed;
    this.moved = job.moved;
    this.quarantined = job.quarantined;
    this.total = job.total;
    this.rate = job.ratePerSecond;
    this.cursor =
      job.cursorVersion !== null && job.cursorStore !== null && job.cursorKey !== null
        ? { version: job.cursorVersion, storeRef: job.cursorStore, keyHash: job.cursorKey }
        : CURSOR_START;
  }

  restart(): void {
    this.cursor = CURSOR_START;
  }

  /**
   * On SQLite a batch's commit holds the servers' shared connection, and the
   * event loop, for its whole duration: keep it near COMMIT_TARGET_MS by
   * sizing the next batch from the median cost per row of recent commits
   * (a median, so that one slow commit, e.g. SQLite's periodic WAL
   * checkpoint, does not shrink every batch after it).
   */
  private adapt(commitMs: number, rows: number): void {
    this.costs.push(commitMs / Math.max(1, rows));
    if (this.costs.length > 9) this.costs.shift();
    const sorted = [...this.costs].sort((a, b) => a - b);
    const perRow = sorted[sorted.length >> 1]!;
    this.batchSize = Math.max(MIN_BATCH, Math.min(MAX_BATCH, Math.round(COMMIT_TARGET_MS / Math.max(perRow, 0.001))));
  }

  /** The master key of a version, or null when it no longer exists (its rows are bad). */
  private async masterKey(version: number): Promise<Buffer | null> {
    if (this.keys.has(version)) return this.keys.get(version)!;
    const exists = await getDb().masterKey.findUnique({ where: { version }, select: { version: true } });
    let key: Buffer | null = null;
    if (exists) {
      try {
        key = await getMasterKey(version);
      } catch (error) {
        throw new MasterKeyUnavailable(
          `master key v${version} cannot be opened (${(error as Error).message}); no entry was changed. Check VAULT_ROOT_KEY and the MasterKey row`,
        );
      }
    }
    this.keys.set(version, key);
    return key;
  }

  /** Re-wraps one row's data key, or says why the row is to be quarantined. */
  private async rewrapRow(row: OldRow): Promise<{ move: Move } | { quarantine: Quarantine }> {
    const bad = (reason: string) => ({ quarantine: { storeRef: row.storeRef, keyHash: row.keyHash, version: row.version, masterKeyVersion: row.masterKeyVersion, reason } });
    const wrapped = Buffer.from(row.wrappedKey);
    const id = { projectId: row.projectId, storeRef: row.storeRef, keyHash: row.keyHash, version: row.version };
    try {
      if (wrappedKeyVersion(wrapped) !== row.masterKeyVersion) return bad("data key: names another master-key version than its row");
      const key = await this.masterKey(row.masterKeyVersion);
      if (!key) return bad(`master key v${row.masterKeyVersion} no longer exists`);
      const dataKey = unwrapDataKey(key, wrapped, id);
      const rewrapped = wrapDataKey(this.primary.key, this.primary.version, dataKey, id);
      dataKey.fill(0);
      return { move: { storeRef: row.storeRef, keyHash: row.keyHash, version: row.version, fromVersion: row.masterKeyVersion, wrappedKey: rewrapped } };
    } catch (error) {
      if (error instanceof IntegrityError) return bad(error.message);
      throw error;
    }
  }

  /** Batches until no row is left after the cursor; false when stopped by maxBatches. */
  async moveAll(): Promise<boolean> {
    const fixed = this.options.batchSize;
    for (;;) {
      if (this.options.maxBatches !== undefined && this.batches >= this.options.maxBatches) return false;
      // Shutting down: the job resumes from its cursor on the next start.
      if (isStopping()) return false;
      const started = performance.now();
      const rows = await fetchBatch(this.primary.version, this.cursor, fixed ?? this.batchSize);
      if (rows.length === 0) return true;
      await yieldToRequests();
      const moves: Move[] = [];
      const quarantines: Quarantine[] = [];
      for (const [i, row] of rows.entries()) {
        // The crypto is synchronous: a few milliseconds at a time, then requests.
        if (i > 0 && i % CRYPTO_CHUNK === 0) await yieldToRequests();
        const r = await this.rewrapRow(row);
        if ("move" in r) moves.push(r.move);
        else quarantines.push(r.quarantine);
      }
      for (const q of quarantines) {
        log.warn("rewrap quarantined an entry it could not open", { storeRef: q.storeRef, masterKeyVersion: q.masterKeyVersion, reason: q.reason });
      }
      await yieldToRequests();
      const last = rows[rows.length - 1]!;
      const cursor = { version: last.masterKeyVersion, storeRef: last.storeRef, keyHash: last.keyHash };
      const processed = this.processed + rows.length;
      const total = Math.max(this.total, processed);
      const committing = performance.now();
      const moved = await commitBatch({
        jobId: this.job.id,
        lease: { name: LEASE, holder: INSTANCE_ID, expiresAt: new Date(Date.now() + LEASE_MS) },
        targetVersion: this.primary.version,
        moves,
        quarantines,
        progress: { processed, moved: this.moved, quarantined: this.quarantined + quarantines.length, total, ratePerSecond: this.rate, cursor },
      });
      if (commitBlocksEventLoop()) this.adapt(performance.now() - committing, rows.length);
      recordWraps(this.primary.version, moved);
      this.cursor = cursor;
      this.processed = processed;
      this.total = total;
      this.moved += moved;
      this.quarantined += quarantines.length;
      this.batches++;
      this.options.onProgress?.({ processed, total, moved: this.moved, quarantined: this.quarantined });
      const busy = performance.now() - started;
      const pause = this.options.pauseMs ?? Math.min(MAX_PAUSE_MS, Math.max(MIN_PAUSE_MS, PAUSE_FACTOR * busy));
      await new Promise((r) => setTimeout(r, pause));
      // Entries per second over batch and pause, smoothed; written with the next batch.
      const perSecond = (rows.length * 1000) / (performance.now() - started);
      this.rate = this.rate === null ? perSecond : 0.7 * this.rate + 0.3 * perSecond;
    }
  }
}

/**
 * Retires old versions nothing references, and those only quarantined rows
 * an admin accepted reference. Versions with unconfirmed quarantined rows
 * stay active and are reported as awaiting confirmation.
 */
async function retireOldVersions(): Promise<number[]> {
  const db = getDb();
  const retired: number[] = [];
  for (const v of await checkOldVersions()) {
    if (v.unquarantined || v.unconfirmed > 0) continue;
    const { count } = await db.masterKey.updateMany({ where: { version: v.version, state: "active" }, data: { state: "retired", retiredAt: new Date() } });
    if (count > 0) {
      retired.push(v.version);
      log.info("retired master key", { version: v.version });
    }
  }
  const waiting = (await checkOldVersions()).filter((v) => !v.unquarantined && v.unconfirmed > 0);
  for (const v of waiting) {
    log.warn("master key kept active: quarantined entries reference it; an admin must accept them (master-key retire)", { version: v.version, quarantined: v.quarantined });
  }
  return retired;
}

/** Starts the rewrap in the background of this process (dashboard, CLI), after the current request is answered. */
export async function startRewrap(): Promise<void> {
  const running = processSingleton("rewrapRunning", () => ({ on: false }));
  if (running.on) return;
  running.on = true;
  setImmediate(() => {
    void runRewrap()
      .catch(() => undefined)
      .finally(() => {
        running.on = false;
      });
  });
}
