// Every environment variable the app reads, validated once. The names and
// defaults are listed in .env.example and the README.
import { z } from "zod";
import { ConfigError, defaultDataDir, parseDatabaseUrl } from "./db/database-url";

const intFrom = (fallback: number, min = 0) =>
  z.preprocess((v) => (v === undefined || v === "" ? fallback : Number(v)), z.number().int().min(min));

const schema = z.object({
  NODE_ENV: z.string().default("development"),
  VAULT_ROOT_KEY: z.string().optional(),
  NEXTAUTH_SECRET: z.string().optional(),
  VAULT_MAX_VALUE_SIZE: intFrom(2_097_152, 1),
  VAULT_RATE_LIMIT_PER_SECOND: intFrom(1000, 0),
  VAULT_RATE_LIMIT_BURST: intFrom(2000, 1),
  VAULT_UNAUTH_RATE_PER_SECOND: intFrom(20, 0),
  VAULT_UNAUTH_BURST: intFrom(100, 1),
  VAULT_MAX_BATCH_RESPONSE_BYTES: intFrom(4 * 1024 * 1024, 1),
  VAULT_ROTATE_AFTER_DAYS: intFrom(90, 0),
  VAULT_ROTATE_AFTER_WRAPS: intFrom(100_000_000, 0),
  VAULT_KEY_CACHE_SECONDS: intFrom(5, 0),
  VAULT_BACKGROUND_JOBS: z.enum(["on", "off"]).default("on"),
  // Entry access events: "on" (queued, written in batches; a full queue
  // drops and counts), "required" (a request answers only once its events
  // are written, else 503), "off" (none; admin events are always written).
  VAULT_AUDIT: z.enum(["on", "required", "off"]).default("on"),
  VAULT_AUDIT_RETENTION_DAYS: intFrom(90, 0),
  VAULT_AUDIT_QUEUE_SIZE: intFrom(20_000, 1),
  // Bearer token for GET /api/metrics; unset: the endpoint does not exist.
  VAULT_METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(16, "at least 16 characters (e.g. openssl rand -hex 32)").optional()),
  GITHUB_ID: z.string().optional(),
  GITHUB_SECRET: z.string().optional(),
});

export type AppConfig = z.infer<typeof schema> & { dataDir: string };

let cached: AppConfig | undefined;

export function getConfig(): AppConfig {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  parseDatabaseUrl(); // fails early, naming DATABASE_URL
  cached = { ...parsed.data, dataDir: defaultDataDir() };
  return cached;
}

export function resetConfigForTests(): void {
  cached = undefined;
}
