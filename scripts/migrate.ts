// npm run db:migrate — applies pending migrations to DATABASE_URL and exits.
// Compiled to dist/cli/migrate.mjs by scripts/build-cli.mjs.
import { getDbTarget } from "../lib/db/client";
import { migrate } from "../lib/db/migrate";
import { getConfig } from "../lib/config";
import { exitWithConfigError } from "../lib/startup";
import nextEnv from "@next/env";

// The same .env files the server reads (Next.js loads them for next start).
nextEnv.loadEnvConfig(process.cwd(), false, { info: () => {}, error: console.error });

try {
  getConfig();
  const target = getDbTarget();
  const result = await migrate(target);
  const where = target.provider === "sqlite" ? target.file : target.display;
  console.log(
    result.applied.length
      ? `applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`
      : `${where} is up to date (${result.alreadyApplied} migration(s) applied earlier)`,
  );
} catch (error) {
  exitWithConfigError(error);
}
