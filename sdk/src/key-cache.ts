import { createHmac, randomBytes } from "node:crypto";
import { lengthPrefixed } from "./crypto/encoding.js";
import type { EntryKeys } from "./crypto/derive.js";

export interface KeyCacheOptions {
  /** Most derived key pairs kept; least recently used go first. */
  maxEntries?: number;
  /** How long a derived key pair may be reused, in milliseconds. */
  ttlMs?: number;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 1_000;
export const DEFAULT_CACHE_TTL_MS = 5 * 60_000;

interface Slot {
  readonly keys: Promise<EntryKeys>;
  readonly expiresAt: number;
}

/**
 * Bounded LRU with a time to live for derived keys. It stores promises so
 * concurrent calls for one key share a single PBKDF2 run.
 *
 * The map index is an HMAC under a random per-cache key, so it reveals
 * nothing about the secret or the logical key even to someone who reads it
 * without the rest of the process memory.
 */
export class DerivedKeyCache {
  private readonly slots = new Map<string, Slot>();
  private readonly indexKey = randomBytes(32);
  readonly maxEntries: number;
  readonly ttlMs: number;

  constructor(options: KeyCacheOptions, private readonly now: () => number = Date.now) {
    this.maxEntries = options.maxEntries ?? DEFAULT_CACHE_MAX_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_CACHE_TTL_MS;
    if (!Number.isSafeInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError("cache.maxEntries must be a positive integer");
    if (!(this.ttlMs > 0)) throw new RangeError("cache.ttlMs must be positive");
  }

  get size(): number {
    return this.slots.size;
  }

  getOrDerive(secret: string, storeId: string, key: string, derive: () => Promise<EntryKeys>): Promise<EntryKeys> {
    const index = createHmac("sha256", this.indexKey).update(lengthPrefixed(secret, storeId, key)).digest("base64url");
    const now = this.now();
    const hit = this.slots.get(index);
    if (hit !== undefined) {
      this.slots.delete(index);
      if (hit.expiresAt > now) {
        this.slots.set(index, hit); // re-insert: Map order is the LRU order
        return hit.keys;
      }
    }
    const keys = derive();
    this.slots.set(index, { keys, expiresAt: now + this.ttlMs });
    // A failed derivation must not be served to the next caller.
    keys.catch(() => {
      if (this.slots.get(index)?.keys === keys) this.slots.delete(index);
    });
    while (this.slots.size > this.maxEntries) {
      const oldest = this.slots.keys().next();
      if (oldest.done === true) break;
      this.slots.delete(oldest.value);
    }
    return keys;
  }

  clear(): void {
    this.slots.clear();
  }
}
