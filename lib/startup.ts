// Runs once per server process before it serves requests (instrumentation.ts)
// and in `npm run db:migrate`: validates the configuration, applies pending
// migrations, then starts the background jobs. A configuration or
// connection problem ends the process with one line that names the
// variable, never a stack trace.
import { getConfig } from "./config";
import { ConfigError } from "./db/database-url";
import { getDbTarget } from "./db/client";
import { migrate } from "./db/migrate";
import { log } from "./log";

export type StartupHook = () => Promise<void> | void;
const hooks: StartupHook[] = [];

/** Lets later modules (keyring, background jobs) run after migrations. */
export function onStartup(hook: StartupHook): void {
  hooks.push(hook);
}

export async function prepareDatabase(): Promise<void> {
  getConfig();
  const target = getDbTarget();
  const result = await migrate(target);
  if (result.applied.length > 0) {
    log.info("migrations applied", { applied: result.applied.join(","), provider: target.provider });
  }
}

export async function startup(): Promise<void> {
  try {
    await prepareDatabase();
    for (const hook of hooks) await hook();
  } catch (error) {
    exitWithConfigError(error);
  }
}

export function exitWithConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`data-vault: cannot start: ${error.message}`);
  } else {
    // Only the message: a driver error's stack says nothing to an operator.
    console.error(`data-vault: cannot start: ${(error as Error)?.message ?? String(error)}`);
  }
  process.exit(1);
}
