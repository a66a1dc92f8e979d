import "server-only";
// Daily activity per store (reads, writes, deletes, misses), counted in
// memory and flushed by the job runner every few seconds, so a read never
// waits for a write. A crash loses at most the counts since the last flush
// (docs/operations.md); entries and entry counts are never affected.
import { getDb } from "../db/client";
import { isUniqueViolation } from "../db/tx";
import { processSingleton } from "../singleton";

export type ActivityKind = "reads" | "writes" | "deletes" | "misses";
type Counts = Record<ActivityKind, number>;
type Pending = Map<string, { storeRef: string; day: string; counts: Counts; at: Date }>;

const pending = () => processSingleton<Pending>("activity", () => new Map());

export function utcDay(d = new Date()): string {
  return d.toISOString().slice(0, 10);
}

export function recordActivity(storeRef: string, kind: ActivityKind, n = 1): void {
  if (n <= 0) return;
  const day = utcDay();
  const key = `${storeRef}|${day}`;
  const map = pending();
  let item = map.get(key);
  if (!item) {
    item = { storeRef, day, counts: { reads: 0, writes: 0, deletes: 0, misses: 0 }, at: new Date() };
    map.set(key, item);
  }
  item.counts[kind] += n;
  item.at = new Date();
}

export async function flushActivity(): Promise<number> {
  const map = pending();
  const items = [...map.values()];
  map.clear();
  const db = getDb();
  for (const { storeRef, day, counts, at } of items) {
    const increment = {
      reads: { increment: counts.reads },
      writes: { increment: counts.writes },
      deletes: { increment: counts.deletes },
      misses: { increment: counts.misses },
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await db.storeActivity.upsert({
          where: { storeRef_day: { storeRef, day } },
          create: { storeRef, day, ...counts },
          update: increment,
        });
        await db.store.updateMany({ where: { id: storeRef }, data: { lastActivityAt: at } });
        break;
      } catch (error) {
        // A racing instance created the row first: update it next time round.
        if (isUniqueViolation(error)) continue;
        // The store was deleted meanwhile: its activity goes with it.
        if ((error as { code?: string }).code === "P2003") break;
        throw error;
      }
    }
  }
  return items.length;
}
