// Every check-then-write runs in one transaction through here. Conflicts a
// concurrent writer can cause (a unique violation from a racing insert, a
// serialization failure, SQLite's busy lock when another process writes)
// are retried a few times with jitter; anything else is thrown.
import { getDb, type Tx } from "./client";

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "P2002";
}

function isRetryable(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  const code = (error as { code?: string })?.code;
  if (code === "P2034" || code === "P1008" || code === "P2028") return true;
  const message = String((error as Error)?.message ?? "");
  return /SQLITE_BUSY|database is locked|could not serialize|deadlock detected/i.test(message);
}

export async function withTransaction<T>(fn: (tx: Tx) => Promise<T>, attempts = 10): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getDb().$transaction(fn, { maxWait: 15_000, timeout: 30_000 });
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(200, 5 * 2 ** attempt)));
    }
  }
}
