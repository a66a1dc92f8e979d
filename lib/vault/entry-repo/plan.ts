// What a write does to each entry, decided from the rows as they are:
// shared by both databases so the rules (versions, check-and-set, expiry)
// live in one place.
import { VaultError } from "../errors";
import { isLive, type LeaseDecision, type LeaseRequest, type LeaseRow, type PutItem } from "./types";

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

/**
 * The lease rules, shared by both databases. A renewal needs the same
 * token (even after expiry: nobody took the lease over, so its holder
 * still owns it). An acquisition first checks `ifVersion` (a waiter whose
 * entry moved is done, whoever holds the lease), then takes the lease if
 * it is free or expired, with a new token.
 */
export function decideLease(lease: LeaseRow | null, currentVersion: number, request: LeaseRequest, now: Date): LeaseDecision {
  const expiresAt = new Date(now.getTime() + request.ttlMs);
  if (request.renew !== undefined) {
    return lease !== null && lease.token === request.renew ? { kind: "acquire", token: request.renew, expiresAt, write: "update" } : { kind: "lost" };
  }
  if (request.ifVersion !== undefined && request.ifVersion !== currentVersion) return { kind: "version" };
  if (lease !== null && lease.expiresAt > now) return { kind: "held", expiresAt: lease.expiresAt };
  return { kind: "acquire", token: request.token, expiresAt, write: lease === null ? "insert" : "update" };
}

/**
 * The fence: a write under a lease passes only while the lease row still
 * carries its token. An expired lease nobody took over still does (the
 * holder's write is then safe: nobody else ran); a lease taken over,
 * released or purged does not.
 */
export function checkFence(lease: LeaseRow | null, token: string): void {
  if (lease === null || lease.token !== token) {
    throw new VaultError("LEASE_LOST", "the lease of this entry was taken over or ended; nothing was written");
  }
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
