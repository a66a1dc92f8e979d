import "server-only";
// Stores: one per kind of secret, isolated from each other. Deleting a store
// erases its entries in the same transaction; a store re-created with the
// same id gets a new internal id, so nothing of the old one can reappear.
import { getDb } from "../db/client";
import { withTransaction, isUniqueViolation } from "../db/tx";
import { VaultError } from "./errors";
import { storeIdProblem } from "./ids";
import type { Actor } from "./keyring";
import { utcDay } from "./activity";

export type StoreView = {
  id: string;
  displayName: string;
  description: string;
  entryCount: number;
  createdAt: string;
  lastActivityAt: string | null;
};

type StoreRow = {
  id: string;
  storeId: string;
  displayName: string;
  description: string;
  entryCount: number;
  createdAt: Date;
  lastActivityAt: Date | null;
};

/** Rows whose expiry has passed but that the purge job has not deleted yet. */
async function expiredCounts(storeRefs: string[]): Promise<Map<string, number>> {
  if (storeRefs.length === 0) return new Map();
  const rows = await getDb().entry.groupBy({
    by: ["storeRef"],
    where: { storeRef: { in: storeRefs }, expiresAt: { lte: new Date() } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.storeRef, r._count._all]));
}

function toView(row: StoreRow, expired: number): StoreView {
  return {
    id: row.storeId,
    displayName: row.displayName,
    description: row.description,
    entryCount: Math.max(0, row.entryCount - expired),
    createdAt: row.createdAt.toISOString(),
    lastActivityAt: row.lastActivityAt?.toISOString() ?? null,
  };
}

export async function findStoreRef(projectId: string, storeId: string): Promise<{ id: string } | null> {
  return getDb().store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
}

export async function getStore(projectId: string, storeId: string): Promise<StoreView> {
  const row = await getDb().store.findUnique({ where: { projectId_storeId: { projectId, storeId } } });
  if (!row) throw new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
  const expired = await expiredCounts([row.id]);
  return toView(row, expired.get(row.id) ?? 0);
}

export async function listStores(projectId: string): Promise<StoreView[]> {
  const rows = await getDb().store.findMany({ where: { projectId }, orderBy: { createdAt: "asc" } });
  const expired = await expiredCounts(rows.map((r) => r.id));
  return rows.map((r) => toView(r, expired.get(r.id) ?? 0));
}

export async function createStore(
  projectId: string,
  input: { storeId: string; displayName: string; description?: string },
  actor: Actor,
): Promise<StoreView> {
  const problem = storeIdProblem(input.storeId);
  if (problem) throw new VaultError("INVALID_REQUEST", `store id: ${problem}`, [{ path: "storeId", message: problem }]);
  const displayName = input.displayName.trim() || input.storeId;
  if (displayName.length > 100) throw new VaultError("INVALID_REQUEST", "display name: at most 100 characters", [{ path: "displayName", message: "At most 100 characters." }]);
  const description = (input.description ?? "").trim();
  if (description.length > 500) throw new VaultError("INVALID_REQUEST", "description: at most 500 characters", [{ path: "description", message: "At most 500 characters." }]);
  try {
    const row = await withTransaction(async (tx) => {
      const created = await tx.store.create({ data: { projectId, storeId: input.storeId, displayName, description } });
      await tx.auditEvent.create({
        data: { projectId, action: "store.create", target: input.storeId, actorUserId: actor.userId ?? null, actorKeyId: actor.keyId ?? null },
      });
      return created;
    }, 1);
    return toView(row, 0);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new VaultError("STORE_EXISTS", `a store "${input.storeId}" already exists in this project`, [
        { path: "storeId", message: "This id is taken in this project." },
      ]);
    }
    throw error;
  }
}

export async function deleteStore(projectId: string, storeId: string, actor: Actor): Promise<{ erasedEntries: number }> {
  return withTransaction(async (tx) => {
    const store = await tx.store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
    if (!store) throw new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
    const { count } = await tx.entry.deleteMany({ where: { storeRef: store.id } });
    await tx.storeActivity.deleteMany({ where: { storeRef: store.id } });
    await tx.store.delete({ where: { id: store.id } });
    await tx.auditEvent.create({
      data: { projectId, action: "store.delete", target: storeId, actorUserId: actor.userId ?? null, actorKeyId: actor.keyId ?? null },
    });
    return { erasedEntries: count };
  });
}

export type ActivityDay = { day: string; reads: number; writes: number; deletes: number; misses: number };

export async function getStoreActivity(projectId: string, storeId: string, days = 30): Promise<ActivityDay[]> {
  const store = await findStoreRef(projectId, storeId);
  if (!store) throw new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
  const today = new Date();
  const wanted = Array.from({ length: days }, (_, i) => utcDay(new Date(today.getTime() - (days - 1 - i) * 86_400_000)));
  const rows = await getDb().storeActivity.findMany({ where: { storeRef: store.id, day: { gte: wanted[0]! } } });
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return wanted.map((day) => {
    const r = byDay.get(day);
    return { day, reads: r?.reads ?? 0, writes: r?.writes ?? 0, deletes: r?.deletes ?? 0, misses: r?.misses ?? 0 };
  });
}
