// Everything a server process starts with: configuration, migrations, the
// keyring (so a wrong root key fails at start, not at the first request),
// then the background jobs; and what it ends with (shutdownVault).
import { getConfig } from "./config";
import { closeDb } from "./db/client";
import { log } from "./log";
import { processSingleton } from "./singleton";
import { startup, onStartup } from "./startup";
import { ensureKeyring } from "./vault/keyring";
import { flushCounters, startJobs, stopJobs } from "./vault/jobs";
import { checkAuthSecret } from "./auth/secret";
import { accountsStartup } from "./auth/startup";
import { drainAuditQueue } from "./audit/record";

/**
 * Set by the custom server of `npm start` (server/main.ts), which drains
 * connections before it calls shutdownVault itself. Under `next start` or
 * `next dev` the vault handles the signals on its own.
 */
export const serverOwnsSignals = () => processSingleton("serverOwnsSignals", () => ({ value: false }));

/** Once per process, whichever bundle asks first (instrumentation or the custom server). */
export function bootServer(): Promise<void> {
  const state = processSingleton("boot", () => ({ done: null as Promise<void> | null }));
  state.done ??= boot();
  return state.done;
}

async function boot(): Promise<void> {
  onStartup(checkAuthSecret);
  onStartup(accountsStartup);
  onStartup(ensureKeyring);
  onStartup(() => {
    if (getConfig().VAULT_BACKGROUND_JOBS === "on") startJobs();
  });
  await startup();
  if (!serverOwnsSignals().value) {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => void shutdownVault().finally(() => process.exit(0)));
    }
  }
}

/**
 * Stops the background jobs (a rewrap stops at its next commit), flushes the
 * in-memory counters (activity, last use, wrap counts) and the audit queue, and closes the
 * database: on SQLite the WAL is checkpointed into the file and removed.
 * Idempotent; errors are logged, never thrown, so a shutdown always ends.
 */
export async function shutdownVault(): Promise<void> {
  const state = processSingleton("shutdown", () => ({ done: null as Promise<void> | null }));
  state.done ??= (async () => {
    await stopJobs().catch((error: unknown) => log.warn("stopping jobs failed", { reason: (error as Error).message }));
    await flushCounters().catch((error: unknown) => log.warn("flushing counters failed", { reason: (error as Error).message }));
    // Audit events still queued are written before the database closes.
    await drainAuditQueue().catch((error: unknown) => log.warn("writing queued audit events failed", { reason: (error as Error).message }));
    await closeDb().catch((error: unknown) => log.warn("closing the database failed", { reason: (error as Error).message }));
  })();
  return state.done;
}
