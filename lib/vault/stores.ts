import "server-only";
// Stores: one per kind of secret, isolated from each other. Deleting a store
// erases its entries in the same transaction; a store re-created with the
// same id gets a new internal id, so nothing of the old one can reappear.
import { getDb } from "../db/client";
import { withTransaction, isUniqueViolation } from "../db/tx";
import { VaultError } from "./errors";
import { storeIdProblem } from "./ids";
import type { Actor } from "../audit/actor";
import { recordAuditEvent } from "../audit/record";
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

/** Live entries written under one secret generation (id null: written without one, e.g. by an SDK before format v2). */
export type GenerationCount = { id: string | null; entryCount: number };

export type StoreDetail = StoreView & { generations: GenerationCount[] };

/**
 * Live entries per secret generation, largest first (unknown last among
 * equals). One grouped count over the store's entries, using the
 * (storeRef, secretGeneration) index.
 */
export async function generationCounts(storeRef: string): Promise<GenerationCount[]> {
  const rows = await getDb().entry.groupBy({
    by: ["secretGeneration"],
    where: { storeRef, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    _count: { _all: true },
  });
  return rows
    .map((r) => ({ id: r.secretGeneration, entryCount: r._count._all }))
    .sort((a, b) => b.entryCount - a.entryCount || (a.id === null ? 1 : b.id === null ? -1 : a.id.localeCompare(b.id)));
}

export async function findStoreRef(projectId: string, storeId: string): Promise<{ id: string } | null> {
  return getDb().store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
}

/** One store, with its live entries counted per secret generation. */
export async function getStore(projectId: string, storeId: string): Promise<StoreDetail> {
  const row = await getDb().store.findUnique({ where: { projectId_storeId: { projectId, storeId } } });
  if (!row) throw new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
  const [expired, generations] = await Promise.all([expiredCounts([row.id]), generationCounts(row.id)]);
  return { ...toView(row, expired.get(row.id) ?? 0), generations };
}

/** The v1 API's view of a store (GET /api/v1/stores/{storeId}). */
export async function getStoreInfo(
  projectId: string,
  storeId: string,
): Promise<{ id: string; displayName: string; entryCount: number; createdAt: string; generations: GenerationCount[] }> {
  const store = await getStore(projectId, storeId);
  return { id: store.id, displayName: store.displayName, entryCount: store.entryCount, createdAt: store.createdAt, generations: store.generations };
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
      await recordAuditEvent({ action: "store.create", actor, projectId, storeId: input.storeId, target: input.storeId }, { tx });
      return created;
    }, 1);
    return toView(row, 0);
  } catch (error) {
    if (isUniqueViolation(error)) {
      // The database compares ids without regard to case (migration 0004);
      // name the store that holds the id, as it was created.
      const taken = await takenStoreId(projectId, input.storeId);
      const message =
        taken && taken !== input.storeId
          ? `This project has a store "${taken}"; ids are unique without regard to case.`
          : "This id is taken in this project.";
      throw new VaultError("STORE_EXISTS", `a store "${taken ?? input.storeId}" already exists in this project`, [
        { path: "storeId", message },
      ]);
    }
    throw error;
  }
}

/** The id of the store whose id equals `storeId` without regard to case, as it was created. */
async function takenStoreId(projectId: string, storeId: string): Promise<string | null> {
  const rows = await getDb().store.findMany({ where: { projectId }, select: { storeId: true } });
  const wanted = storeId.toLowerCase();
  return rows.find((r) => r.storeId === storeId)?.storeId ?? rows.find((r) => r.storeId.toLowerCase() === wanted)?.storeId ?? null;
}

export async function deleteStore(projectId: string, storeId: string, actor: Actor): Promise<{ erasedEntries: number }> {
  return withTransaction(async (tx) => {
    const store = await tx.store.findUnique({ where: { projectId_storeId: { projectId, storeId } }, select: { id: true } });
    if (!store) throw new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);
    const { count } = await tx.entry.deleteMany({ where: { storeRef: store.id } });
    await tx.storeActivity.deleteMany({ where: { storeRef: store.id } });
    await tx.store.delete({ where: { id: store.id } });
    await recordAuditEvent({ action: "store.delete", actor, projectId, storeId, target: `${storeId} (${count} entries erased)` }, { tx });
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
