// What a write does to each entry, decided from the rows as they are:
// shared by both databases so the rules (versions, check-and-set, expiry)
// live in one place.
import { VaultError } from "../errors";
import { isLive, type PutItem } from "./types";

export type Existing = { keyHash: string; version: number; createdAt: Date; expiresAt: Date | null };

export type PlannedWrite = {
  item: PutItem;
  /** The row to replace (its version, for a conditional update), or null to insert. */
  replaces: Existing | null;
  version: number;
  created: boolean;
  createdAt: Date;
};

export function planWrites(items: PutItem[], existing: Existing[], now: Date): PlannedWrite[] {
  const byKey = new Map(existing.map((e) => [e.keyHash, e]));
  return items.map((item) => {
    const old = byKey.get(item.keyHash) ?? null;
    const present = old !== null && isLive(old, now);
    const current = present ? old.version : 0;
    if (item.ifVersion !== undefined && item.ifVersion !== current) {
      throw new VaultError("VERSION_CONFLICT", `the entry is at version ${current}, not ${item.ifVersion}`);
    }
    return { item, replaces: old, version: current + 1, created: !present, createdAt: present ? old.createdAt : now };
  });
}

export function checkDelete(old: { version: number; expiresAt: Date | null } | null, ifVersion: number | undefined, now: Date): boolean {
  const live = old !== null && isLive(old, now);
  const current = live ? old.version : 0;
  if (ifVersion !== undefined && ifVersion !== current) {
    throw new VaultError("VERSION_CONFLICT", `the entry is at version ${current}, not ${ifVersion}`);
  }
  return live;
}

export const storeNotFound = (storeId: string) => new VaultError("STORE_NOT_FOUND", `no store "${storeId}" in this project`);

/** A concurrent writer changed a row between our read and our write. */
export class WriteRace extends Error {
  override name = "WriteRace";
}

/** Runs work again after a lost race, with jittered exponential backoff. */
export async function retryRaces<T>(work: (attempt: number) => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (!(error instanceof WriteRace) || attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }
}
