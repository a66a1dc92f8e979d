import type { DataVaultError } from "../errors.js";
import type { Transport } from "./transport.js";
import {
  readAccessLog,
  readBatchGet,
  readBatchSet,
  readEntry,
  readLease,
  readPut,
  readStoreInfo,
  type AccessLogPage,
  type WireEntry,
  type WireLease,
  type WireStoreInfo,
} from "./wire.js";

export interface PutOptions {
  expiresAt?: string | null | undefined;
  ifVersion?: number | undefined;
  /** The secret generation id, for the store's counts. */
  generation?: string | undefined;
  /** A fenced write: refused (LEASE_LOST) unless this token still holds the entry's lease. */
  leaseToken?: string | undefined;
  /** With leaseToken: end the lease with the write. */
  releaseLease?: boolean | undefined;
}

export interface BatchSetItem {
  key: string;
  value: string;
  expiresAt?: string | null;
  ifVersion?: number;
  generation?: string;
}

export interface LeaseOptions {
  ttlMs: number;
  /** Renew the lease this token holds. */
  token?: string | undefined;
  /** Acquire only if the entry is still at this version. */
  ifVersion?: number | undefined;
}

function isNotFound(error: unknown): boolean {
  return (error as DataVaultError | undefined)?.code === "ENTRY_NOT_FOUND";
}

/** The entry endpoints of one store, in key-hash terms (no crypto here). */
export class EntriesApi {
  private readonly base: string;

  constructor(private readonly transport: Transport, storeId: string) {
    this.base = `/api/v1/stores/${encodeURIComponent(storeId)}`;
  }

  async info(): Promise<WireStoreInfo> {
    return readStoreInfo((await this.transport.request("GET", this.base, undefined, "idempotent")).body);
  }

  async get(keyHash: string): Promise<WireEntry | null> {
    try {
      const { body } = await this.transport.request("GET", `${this.base}/entries/${keyHash}`, undefined, "idempotent");
      return readEntry(body);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async put(keyHash: string, value: string, options: PutOptions = {}): Promise<{ version: number; created: boolean }> {
    const body: Record<string, unknown> = { value };
    if (options.expiresAt !== undefined) body.expiresAt = options.expiresAt;
    if (options.ifVersion !== undefined) body.ifVersion = options.ifVersion;
    if (options.generation !== undefined) body.generation = options.generation;
    if (options.leaseToken !== undefined) body.leaseToken = options.leaseToken;
    if (options.releaseLease !== undefined) body.releaseLease = options.releaseLease;
    // Without ifVersion, repeating a PUT writes the same ciphertext again:
    // at worst the version goes up one more. With it, see RetryPolicy.
    const policy = options.ifVersion === undefined ? "idempotent" : "rate-limit-only";
    const { body: result } = await this.transport.request("PUT", `${this.base}/entries/${keyHash}`, body, policy);
    return readPut(result);
  }

  /**
   * True when an entry was deleted, false when there was none. With
   * ifVersion, only if the entry is still at that version (false otherwise).
   */
  async delete(keyHash: string, ifVersion?: number): Promise<boolean> {
    const query = ifVersion === undefined ? "" : `?ifVersion=${ifVersion}`;
    try {
      await this.transport.request("DELETE", `${this.base}/entries/${keyHash}${query}`, undefined, "idempotent");
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      if (ifVersion !== undefined && (error as { code?: string }).code === "VERSION_CONFLICT") return false;
      throw error;
    }
  }

  async batchGet(keyHashes: readonly string[]): Promise<Map<string, WireEntry | null>> {
    const { body } = await this.transport.request("POST", `${this.base}/entries/batch-get`, { keys: keyHashes }, "idempotent");
    return readBatchGet(body, keyHashes);
  }

  /** `GET .../entries/{keyHash}/access-log`: needs a server key with the audit permission. */
  async accessLog(keyHash: string, query: { since?: string | undefined; limit?: number | undefined; cursor?: string | undefined }): Promise<AccessLogPage> {
    const search = new URLSearchParams();
    if (query.since !== undefined) search.set("since", query.since);
    if (query.limit !== undefined) search.set("limit", String(query.limit));
    if (query.cursor !== undefined) search.set("cursor", query.cursor);
    const qs = search.size > 0 ? `?${search}` : "";
    const { body } = await this.transport.request("GET", `${this.base}/entries/${keyHash}/access-log${qs}`, undefined, "idempotent");
    return readAccessLog(body);
  }

  async batchSet(items: readonly BatchSetItem[]): Promise<Record<string, number>> {
    // Atomic. Without ifVersion a repeat writes the same ciphertexts; with it,
    // as for PUT, only 429 is retried (the caller reads back instead).
    const policy = items.some((i) => i.ifVersion !== undefined) ? "rate-limit-only" : "idempotent";
    const { body } = await this.transport.request("POST", `${this.base}/entries/batch-set`, { entries: items }, policy);
    return readBatchSet(body);
  }

  /**
   * Acquires (or with `token` renews) the entry's refresh lease. Retried
   * like a read: a repeat after a lost answer finds the lease held (by the
   * lost attempt), which only costs waiting until it runs out.
   */
  async acquireLease(keyHash: string, options: LeaseOptions): Promise<WireLease> {
    const body: Record<string, unknown> = { ttlMs: options.ttlMs };
    if (options.token !== undefined) body.token = options.token;
    if (options.ifVersion !== undefined) body.ifVersion = options.ifVersion;
    const { body: result } = await this.transport.request("POST", `${this.base}/entries/${keyHash}/lease`, body, "idempotent");
    return readLease(result);
  }

  /** True when the token still held the lease and it is now ended. */
  async releaseLease(keyHash: string, token: string): Promise<boolean> {
    const { body } = await this.transport.request("POST", `${this.base}/entries/${keyHash}/lease/release`, { token }, "idempotent");
    return typeof body === "object" && body !== null && (body as { released?: unknown }).released === true;
  }
}
