import type { DataVaultError } from "../errors.js";
import type { Transport } from "./transport.js";
import { readBatchGet, readBatchSet, readEntry, readPut, type WireEntry } from "./wire.js";

export interface PutOptions {
  expiresAt?: string | null | undefined;
  ifVersion?: number | undefined;
}

export interface BatchSetItem {
  key: string;
  value: string;
  expiresAt?: string | null;
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

  async info(): Promise<unknown> {
    return (await this.transport.request("GET", this.base, undefined, "idempotent")).body;
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

  async batchSet(items: readonly BatchSetItem[]): Promise<Record<string, number>> {
    // Atomic and without ifVersion: a repeat writes the same ciphertexts.
    const { body } = await this.transport.request("POST", `${this.base}/entries/batch-set`, { entries: items }, "idempotent");
    return readBatchSet(body);
  }
}
