import "server-only";
// The rewrap job: after a rotation, re-wraps every data key still under an
// older master key with the primary one (the values themselves are not
// touched). It works in batches, records its progress in RewrapJob so it
// resumes after a crash, holds a lease so at most one instance runs it, and
// retires an old version once no entry references it. Reads never fail
// meanwhile: old versions keep unwrapping until they are retired, and even
// then (a straggler written by an instance that had not yet seen the new
// primary still reads fine).
import { getDb } from "../db/client";
import { log } from "../log";
import { processSingleton } from "../singleton";
import { unwrapDataKey, wrapDataKey, wrappedKeyVersion } from "./envelope";
import { getMasterKey, getPrimaryKey, recordWraps } from "./keyring";
import { RETIRE_GRACE_MS } from "./timing";
import { acquireLease, releaseLease } from "./lease";

const LEASE = "rewrap";
const LEASE_MS = 30_000;
export { RETIRE_GRACE_MS } from "./timing";
export const REWRAP_BATCH = 200;

export type RewrapStatus = {
  state: "idle" | "running" | "done" | "failed";
  processed: number;
  total: number;
  targetVersion: number | null;
  updatedAt: string | null;
};

export async function getRewrapStatus(): Promise<RewrapStatus> {
  const job = await getDb().rewrapJob.findFirst({ orderBy: { startedAt: "desc" } });
  if (!job) return { state: "idle", processed: 0, total: 0, targetVersion: null, updatedAt: null };
  return {
    state: job.state as RewrapStatus["state"],
    processed: job.processed,
    total: job.total,
    targetVersion: job.targetVersion,
    updatedAt: job.updatedAt.toISOString(),
  };
}

type RunOptions = {
  batchSize?: number;
  onProgress?: (s: { processed: number; total: number }) => void;
  /** Stop after this many batches, leaving the job resumable (tests). */
  maxBatches?: number;
  /** How old a rotation must be before old versions may be retired. */
  retireAfterMs?: number;
};

/**
 * Runs (or resumes) the rewrap until nothing references an old version.
 * Returns false without doing anything when another instance holds the lease.
 */
export async function runRewrap(options: RunOptions = {}): Promise<boolean> {
  if (!(await acquireLease(LEASE, LEASE_MS))) return false;
  const db = getDb();
  try {
    const primary = await getPrimaryKey();
    let job = await db.rewrapJob.findFirst({ where: { state: "running" }, orderBy: { startedAt: "desc" } });
    if (job && job.targetVersion !== primary.version) {
      // A newer rotation happened: restart toward the new primary.
      await db.rewrapJob.update({ where: { id: job.id }, data: { state: "done", finishedAt: new Date() } });
      job = null;
    }
    if (!job) {
      const total = await db.entry.count({ where: { masterKeyVersion: { lt: primary.version } } });
      job = await db.rewrapJob.create({ data: { targetVersion: primary.version, state: "running", total } });
    }
    const batchSize = options.batchSize ?? REWRAP_BATCH;
    let processed = job.processed;
    let cursor = job.cursorStore && job.cursorKey ? { storeRef: job.cursorStore, keyHash: job.cursorKey } : null;
    let batches = 0;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return true;
      const rows = await db.entry.findMany({
        where: {
          masterKeyVersion: { lt: primary.version },
          ...(cursor && {
            OR: [{ storeRef: { gt: cursor.storeRef } }, { storeRef: cursor.storeRef, keyHash: { gt: cursor.keyHash } }],
          }),
        },
        orderBy: [{ storeRef: "asc" }, { keyHash: "asc" }],
        take: batchSize,
        select: { storeRef: true, keyHash: true, version: true, wrappedKey: true, masterKeyVersion: true, store: { select: { projectId: true } } },
      });
      if (rows.length === 0) break;
      const updates = [];
      for (const row of rows) {
        const id = { projectId: row.store.projectId, storeRef: row.storeRef, keyHash: row.keyHash, version: row.version };
        const wrapped = Buffer.from(row.wrappedKey);
        const dataKey = unwrapDataKey(await getMasterKey(wrappedKeyVersion(wrapped)), wrapped, id);
        const rewrapped = wrapDataKey(primary.key, primary.version, dataKey, id);
        dataKey.fill(0);
        // Only if the row is still what we read: a concurrent write already
        // put it under the primary, and must not be overwritten.
        updates.push(
          db.entry.updateMany({
            where: { storeRef: row.storeRef, keyHash: row.keyHash, version: row.version, masterKeyVersion: row.masterKeyVersion },
            data: { wrappedKey: rewrapped, masterKeyVersion: primary.version },
          }),
        );
      }
      // One commit per batch, not per row: fewer, shorter write locks for
      // the servers writing meanwhile (SQLite has one writer at a time).
      await db.$transaction(updates);
      recordWraps(primary.version, rows.length);
      processed += rows.length;
      const last = rows[rows.length - 1]!;
      cursor = { storeRef: last.storeRef, keyHash: last.keyHash };
      await db.rewrapJob.update({
        where: { id: job.id },
        data: { processed, cursorStore: cursor.storeRef, cursorKey: cursor.keyHash, total: Math.max(job.total, processed) },
      });
      options.onProgress?.({ processed, total: Math.max(job.total, processed) });
      if (!(await acquireLease(LEASE, LEASE_MS))) throw new Error("lost the rewrap lease");
      batches++;
    }
    await retireUnreferenced(primary.version, options.retireAfterMs ?? RETIRE_GRACE_MS);
    await db.rewrapJob.update({ where: { id: job.id }, data: { state: "done", finishedAt: new Date(), total: processed } });
    log.info("rewrap finished", { targetVersion: primary.version, processed });
    return true;
  } catch (error) {
    log.error("rewrap failed; it resumes on the next run", { reason: (error as Error).message });
    await db.rewrapJob.updateMany({ where: { state: "running" }, data: { error: (error as Error).message.slice(0, 200) } });
    throw error;
  } finally {
    await releaseLease(LEASE).catch(() => undefined);
  }
}

/**
 * Retires non-primary versions nothing references. Waits until the rotation
 * is older than the instances' primary refresh interval, so a write from an
 * instance that still used the old primary cannot land after the check.
 */
async function retireUnreferenced(primaryVersion: number, graceMs: number): Promise<void> {
  const db = getDb();
  const primary = await db.masterKey.findUnique({ where: { version: primaryVersion } });
  if (!primary) return;
  // Wait out the rest of the grace period (a few seconds at most), still
  // holding the lease, rather than leaving the retirement to the next run.
  const wait = graceMs - (Date.now() - primary.createdAt.getTime());
  if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, graceMs)));
  const old = await db.masterKey.findMany({ where: { state: "active", version: { lt: primaryVersion } } });
  for (const key of old) {
    const refs = await db.entry.count({ where: { masterKeyVersion: key.version } });
    if (refs === 0) {
      await db.masterKey.updateMany({ where: { version: key.version, state: "active" }, data: { state: "retired", retiredAt: new Date() } });
      log.info("retired master key", { version: key.version });
    }
  }
}

/** Starts the rewrap in the background of this process (dashboard, CLI). */
export async function startRewrap(): Promise<void> {
  const running = processSingleton("rewrapRunning", () => ({ on: false }));
  if (running.on) return;
  running.on = true;
  void runRewrap()
    .catch(() => undefined)
    .finally(() => {
      running.on = false;
    });
}
