// Parses DATABASE_URL into the provider the app runs on. Kept free of
// "server-only" so the start-up preflight and the CLI can use it.
import path from "node:path";

export type DatabaseTarget =
  | { provider: "sqlite"; file: string; url: string }
  | { provider: "postgres"; url: string; display: string };

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function defaultDataDir(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(/* turbopackIgnore: true */ process.cwd(), env.DATA_DIR || "data");
}

export function parseDatabaseUrl(env: Record<string, string | undefined> = process.env): DatabaseTarget {
  const raw = env.DATABASE_URL?.trim();
  if (!raw) {
    const file = path.join(defaultDataDir(env), "vault.db");
    return { provider: "sqlite", file, url: `file:${file}` };
  }
  if (raw.startsWith("file:")) {
    const rest = raw.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (!rest) throw new ConfigError("DATABASE_URL: a file: URL needs a path, e.g. file:./data/vault.db");
    const file = path.resolve(/* turbopackIgnore: true */ process.cwd(), rest.split("?")[0]!);
    return { provider: "sqlite", file, url: `file:${file}` };
  }
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError("DATABASE_URL: not a valid postgresql:// URL");
    }
    // The display form drops the password so it can go into messages.
    const display = `postgresql://${parsed.username ? `${parsed.username}@` : ""}${parsed.host}${parsed.pathname}`;
    return { provider: "postgres", url: raw, display };
  }
  const scheme = raw.includes(":") ? raw.slice(0, raw.indexOf(":")) : raw.slice(0, 20);
  throw new ConfigError(
    `DATABASE_URL: unsupported scheme "${scheme}"; use file:<path> (SQLite) or postgresql://... (PostgreSQL)`,
  );
}
