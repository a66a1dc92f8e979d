import "server-only";
// Refresh leases on entries: the v1 lease operations. A lease says "one
// caller is refreshing this entry; the others wait". It is held in the
// vault, so every instance of every app sees it; it runs out when its
// holder stops renewing it (a crash), and it fences: a write that carries
// the lease's token is refused once the lease was taken over or ended
// (entry-repo/plan.ts, checkFence). A lease may exist for an entry that
// does not exist yet. Nothing lists or counts leases.
//
// Not to be confused with lease.ts: the background jobs' named leases.
import { randomBytes } from "node:crypto";
import { getDb } from "../db/client";
import { recordActivity } from "./activity";
import { entryRepo, isLive } from "./entry-repo";
import { toView, type EntryView } from "./entries";

/**
 * How long an expired lease row is kept before the purge removes it. Until
 * then its holder may still finish with a fenced write (nobody took over);
 * after that the write is refused, as if the lease had been taken over.
 */
export const LEASE_PURGE_AFTER_MS = 60 * 60_000;

export type LeaseView =
  /** The caller holds the lease until expiresAt; `entry` is the entry as of the acquisition. */
  | { acquired: true; token: string; expiresAt: string; version: number; entry: EntryView | null }
  /** Someone else holds it until expiresAt (they may renew it). */
  | { acquired: false; reason: "held"; expiresAt: string; version: number }
  /** ifVersion did not match: the entry moved since the caller last saw it; here it is. */
  | { acquired: false; reason: "version"; version: number; entry: EntryView | null }
  /** A renewal whose token no longer holds the lease (taken over, released or purged). */
  | { acquired: false; reason: "lost"; version: number };

export type LeaseInput = {
  ttlMs: number;
  /** Renew the lease this token holds instead of acquiring a new one. */
  token?: string;
  /** Acquire only if the entry is still at this version (0: absent); otherwise answer "version" with the entry. */
  ifVersion?: number;
};

function newLeaseToken(): string {
  return randomBytes(16).toString("base64url");
}

/** Acquires, or with `token` renews, the lease of one entry. */
export async function acquireEntryLease(projectId: string, storeId: string, keyHash: string, input: LeaseInput): Promise<LeaseView> {
  const request = {
    token: newLeaseToken(),
    ttlMs: input.ttlMs,
    ...(input.token !== undefined && { renew: input.token }),
    ...(input.ifVersion !== undefined && { ifVersion: input.ifVersion }),
  };
  const { storeRef, decision, row } = await entryRepo().lease(projectId, storeId, keyHash, request);
  const live = row !== null && isLive(row, new Date()) ? row : null;
  const version = live?.version ?? 0;
  const entry = async () => {
    recordActivity(storeRef, live ? "reads" : "misses");
    return live ? toView(projectId, live) : null;
  };
  switch (decision.kind) {
    case "acquire":
      return { acquired: true, token: decision.token, expiresAt: decision.expiresAt.toISOString(), version, entry: await entry() };
    case "held":
      return { acquired: false, reason: "held", expiresAt: decision.expiresAt.toISOString(), version };
    case "version":
      return { acquired: false, reason: "version", version, entry: await entry() };
    case "lost":
      return { acquired: false, reason: "lost", version };
  }
}

/** Ends the lease if this token still holds it; false when it did not (already ended, or taken over). */
export async function releaseEntryLease(projectId: string, storeId: string, keyHash: string, token: string): Promise<{ released: boolean }> {
  const { released } = await entryRepo().releaseLease(projectId, storeId, keyHash, token);
  return { released };
}

/** Removes lease rows that expired more than `afterMs` ago (their holders are gone). */
export async function purgeExpiredLeases(afterMs = LEASE_PURGE_AFTER_MS): Promise<number> {
  const { count } = await getDb().entryLease.deleteMany({ where: { expiresAt: { lt: new Date(Date.now() - afterMs) } } });
  return count;
}
