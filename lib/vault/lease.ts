import "server-only";
// A named lease in the database: at most one holder at a time, until it
// expires, so a job runs on one instance even with many instances. A holder
// renews it while working; a crashed holder's lease runs out.
import { randomUUID } from "node:crypto";
import { getDb } from "../db/client";
import { isUniqueViolation } from "../db/tx";

export const INSTANCE_ID = `${process.pid}-${randomUUID().slice(0, 8)}`;

export async function acquireLease(name: string, ms: number, holder = INSTANCE_ID): Promise<boolean> {
  const db = getDb();
  const now = new Date();
  const expiresAt = new Date(now.getTime() + ms);
  // A conditional update is atomic on both databases: of two instances
  // racing for an expired lease, the second finds the condition false.
  const { count } = await db.lease.updateMany({
    where: { name, OR: [{ holder }, { expiresAt: { lt: now } }] },
    data: { holder, expiresAt },
  });
  if (count === 1) return true;
  try {
    await db.lease.create({ data: { name, holder, expiresAt } });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function releaseLease(name: string, holder = INSTANCE_ID): Promise<void> {
  await getDb().lease.deleteMany({ where: { name, holder } });
}
