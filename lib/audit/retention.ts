import "server-only";
// Retention: events older than VAULT_AUDIT_RETENTION_DAYS (default 90; 0
// keeps them forever) are deleted by the background jobs, a few thousand
// at a time (an id range on the primary key), on one instance at a time.
// Each run that deletes anything says so in the trail ("audit.retention").
import { getConfig } from "../config";
import { withTransaction } from "../db/tx";
import { acquireLease, releaseLease } from "../vault/lease";
import { systemActor } from "./actor";
import { recordAuditEvent } from "./record";
import { deleteOlderThan } from "./repo";

const CHUNK = 2000;
const LEASE = "audit-retention";

/** Deletes every event older than the retention; returns how many. */
export async function purgeOldAuditEvents(now = new Date(), days = getConfig().VAULT_AUDIT_RETENTION_DAYS): Promise<number> {
  if (days <= 0) return 0;
  if (!(await acquireLease(LEASE, 5 * 60_000))) return 0;
  try {
    const before = new Date(now.getTime() - days * 86_400_000);
    let total = 0;
    for (;;) {
      const n = await deleteOlderThan(before, CHUNK);
      total += n;
      if (n < CHUNK) break;
      // Let requests in between chunks (SQLite deletes on the event loop).
      await new Promise((r) => setImmediate(r));
    }
    if (total > 0) {
      await withTransaction((tx) =>
        recordAuditEvent({ action: "audit.retention", actor: systemActor("audit-retention"), target: `${total} events before ${before.toISOString()}` }, { tx }),
      );
    }
    return total;
  } finally {
    await releaseLease(LEASE);
  }
}
