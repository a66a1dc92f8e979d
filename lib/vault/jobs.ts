import "server-only";
// Background work of a server process: flushing in-memory counters, purging
// expired entries, automatic rotation by policy, resuming the rewrap, and
// deleting audit events past their retention.
// Jobs that must run once across instances take a lease.
import { flushLastUsed } from "../server-keys/authenticate";
import { getDb } from "../db/client";
import { log } from "../log";
import { processSingleton } from "../singleton";
import { markStopping } from "../lifecycle";
import { flushActivity } from "./activity";
import { purgeExpired } from "./entries";
import { flushWrapCounts, rotateMasterKey, rotationDue } from "./keyring";
import { acquireLease, releaseLease } from "./lease";
import { purgeExpiredLeases } from "./leases";
import { runRewrap } from "./rewrap";
import { systemActor } from "../audit/actor";
import { purgeOldAuditEvents } from "../audit/retention";

export const FLUSH_MS = 5_000;
const PURGE_MS = 30_000;
const POLICY_MS = 60_000;
const AUDIT_RETENTION_MS = 10 * 60_000;

export async function flushCounters(): Promise<void> {
  await Promise.all([flushActivity(), flushLastUsed(), flushWrapCounts()]);
}

/** Expired entries (the returned count) and long-expired entry leases. */
export async function purgeAll(): Promise<number> {
  await purgeExpiredLeases();
  let total = 0;
  for (;;) {
    const n = await purgeExpired(500);
    total += n;
    if (n < 500) return total;
  }
}

export async function applyRotationPolicy(): Promise<void> {
  const reason = await rotationDue();
  if (reason && (await acquireLease("auto-rotate", 60_000))) {
    try {
      if (await rotationDue()) await rotateMasterKey(systemActor("auto-rotate"), reason);
    } finally {
      await releaseLease("auto-rotate");
    }
  }
  const pending = await getDb().masterKey.count({ where: { state: "active" } });
  if (pending > 0) await runRewrap();
}

type JobState = { started: boolean; timers: NodeJS.Timeout[]; running: Set<Promise<unknown>>; stopped: boolean };
const jobState = () => processSingleton<JobState>("jobs", () => ({ started: false, timers: [], running: new Set(), stopped: false }));

/** Runs a job unless the previous run is still going; stop() waits for the runs in flight. */
function guarded(name: string, job: () => Promise<unknown>): () => void {
  let busy = false;
  return () => {
    const state = jobState();
    if (busy || state.stopped) return;
    busy = true;
    const run = job()
      .catch((error: unknown) => log.warn("background job failed", { job: name, reason: (error as Error).message }))
      .finally(() => {
        busy = false;
        state.running.delete(run);
      });
    state.running.add(run);
  };
}

function every(ms: number, name: string, job: () => Promise<unknown>): void {
  const timer = setInterval(guarded(name, job), ms);
  timer.unref();
  jobState().timers.push(timer);
}

export function startJobs(): void {
  const state = jobState();
  if (state.started) return;
  state.started = true;
  every(FLUSH_MS, "flush", flushCounters);
  every(PURGE_MS, "purge", purgeAll);
  every(POLICY_MS, "rotation", applyRotationPolicy);
  every(AUDIT_RETENTION_MS, "audit-retention", () => purgeOldAuditEvents());
  const first = setTimeout(guarded("rotation", applyRotationPolicy), 1_000);
  first.unref();
  const retention = setTimeout(guarded("audit-retention", () => purgeOldAuditEvents()), 5_000);
  retention.unref();
  state.timers.push(first, retention);
}

/** Stops the timers and waits for the jobs in flight (a rewrap batch ends at its next commit). */
export async function stopJobs(): Promise<void> {
  const state = jobState();
  state.stopped = true;
  markStopping();
  for (const timer of state.timers) clearInterval(timer);
  state.timers = [];
  await Promise.allSettled([...state.running]);
}
