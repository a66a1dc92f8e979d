// The secret that signs dashboard sessions: NEXTAUTH_SECRET when set, else
// a random one generated once into $DATA_DIR/auth.secret (mode 0600) so a
// single-machine install keeps its sessions across restarts. Several
// instances on PostgreSQL cannot share a file, so there, in production, a
// missing NEXTAUTH_SECRET is a start-up error.
import "server-only";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { ConfigError, defaultDataDir, parseDatabaseUrl } from "@/lib/db/database-url";

const FILE_NAME = "auth.secret";

export function resolveAuthSecret(env: Record<string, string | undefined> = process.env): string {
  const fromEnv = env.NEXTAUTH_SECRET?.trim();
  if (fromEnv) {
    if (fromEnv.length < 32) throw new ConfigError("NEXTAUTH_SECRET: use at least 32 characters (openssl rand -base64 32)");
    return fromEnv;
  }
  if (env.NODE_ENV === "production" && parseDatabaseUrl(env).provider === "postgres") {
    throw new ConfigError(
      "NEXTAUTH_SECRET: required in production on PostgreSQL (all instances must share it); set it to `openssl rand -base64 32`",
    );
  }
  return readOrCreateSecretFile(path.join(defaultDataDir(env), FILE_NAME));
}

function readOrCreateSecretFile(file: string): string {
  try {
    return readExisting(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // "wx": if another process created it meanwhile, use theirs.
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readExisting(file);
}

function readExisting(file: string): string {
  const value = readFileSync(file, "utf8").trim();
  if (value.length < 32) throw new ConfigError(`${file}: the session secret is too short; delete the file to regenerate it`);
  return value;
}

let cached: string | undefined;
export function getAuthSecret(): string {
  return (cached ??= resolveAuthSecret());
}

/** For the start-up hook: fail before serving instead of on the first sign-in. */
export function checkAuthSecret(): void {
  getAuthSecret();
}
