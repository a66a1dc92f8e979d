import "server-only";
// Background work of a server process: flushing in-memory counters, purging
// expired entries, automatic rotation by policy, and resuming the rewrap.
// Jobs that must run once across instances take a lease.
import { flushLastUsed } from "../server-keys/authenticate";
import { getDb } from "../db/client";
import { log } from "../log";
import { processSingleton } from "../singleton";
import { flushActivity } from "./activity";
import { purgeExpired } from "./entries";
import { flushWrapCounts, rotateMasterKey, rotationDue } from "./keyring";
import { acquireLease, releaseLease } from "./lease";
import { runRewrap } from "./rewrap";

export const FLUSH_MS = 5_000;
const PURGE_MS = 30_000;
const POLICY_MS = 60_000;

export async function flushCounters(): Promise<void> {
  await Promise.all([flushActivity(), flushLastUsed(), flushWrapCounts()]);
}

export async function purgeAll(): Promise<number> {
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
      if (await rotationDue()) await rotateMasterKey({}, reason);
    } finally {
      await releaseLease("auto-rotate");
    }
  }
  const pending = await getDb().masterKey.count({ where: { state: "active" } });
  if (pending > 0) await runRewrap();
}

function every(ms: number, name: string, job: () => Promise<unknown>): NodeJS.Timeout {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    job()
      .catch((error: unknown) => log.warn("background job failed", { job: name, reason: (error as Error).message }))
      .finally(() => {
        busy = false;
      });
  }, ms);
  timer.unref();
  return timer;
}

export function startJobs(): void {
  const state = processSingleton("jobs", () => ({ started: false }));
  if (state.started) return;
  state.started = true;
  every(FLUSH_MS, "flush", flushCounters);
  every(PURGE_MS, "purge", purgeAll);
  every(POLICY_MS, "rotation", applyRotationPolicy);
  setTimeout(() => void applyRotationPolicy().catch(() => undefined), 1_000).unref();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      void flushCounters()
        .catch(() => undefined)
        .finally(() => process.exit(0));
    });
  }
}
