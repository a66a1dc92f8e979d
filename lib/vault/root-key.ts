// The root key wraps the master-key keyring. It never touches the database:
// it comes from VAULT_ROOT_KEY, or on the embedded default from a file in
// the data directory that is generated on first start.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { getConfig } from "../config";
import { ConfigError } from "../db/database-url";
import { getDbTarget } from "../db/client";
import { log } from "../log";
import { processSingleton } from "../singleton";

export function parseRootKey(text: string, name: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(trimmed) || key.length !== 32) {
    throw new ConfigError(`${name}: must be 32 random bytes in base64 (openssl rand -base64 32)`);
  }
  return key;
}

export function rootKeyFile(): string {
  return path.join(getConfig().dataDir, "root.key");
}

function loadRootKey(): Buffer {
  const config = getConfig();
  if (config.VAULT_ROOT_KEY) return parseRootKey(config.VAULT_ROOT_KEY, "VAULT_ROOT_KEY");
  if (config.NODE_ENV === "production" && getDbTarget().provider === "postgres") {
    throw new ConfigError("VAULT_ROOT_KEY: required in production on PostgreSQL (32 random bytes, base64); every instance needs the same one");
  }
  const file = rootKeyFile();
  if (existsSync(file)) return parseRootKey(readFileSync(file, "utf8"), file);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    chmodSync(file, 0o600);
    log.warn("generated a root key; back it up with the database, or set VAULT_ROOT_KEY", { file });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return parseRootKey(readFileSync(file, "utf8"), file);
}

/** The configured root key, without generating one (the migration runner). */
export function existingRootKey(): Buffer | null {
  const config = getConfig();
  if (config.VAULT_ROOT_KEY) return parseRootKey(config.VAULT_ROOT_KEY, "VAULT_ROOT_KEY");
  const file = rootKeyFile();
  return existsSync(file) ? parseRootKey(readFileSync(file, "utf8"), file) : null;
}

export function getRootKey(): Buffer {
  return processSingleton("rootKey", loadRootKey);
}
