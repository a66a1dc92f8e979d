import { chunk, mapLimit } from "./batching.js";
import { decryptValue, encryptValue } from "./crypto/cipher.js";
import { deriveEntryKeys, type EntryKeys } from "./crypto/derive.js";
import { invalidArgument } from "./errors.js";
import { EntriesApi, type BatchSetItem } from "./http/entries-api.js";
import type { Transport } from "./http/transport.js";
import type { WireEntry } from "./http/wire.js";
import type { DerivedKeyCache } from "./key-cache.js";
import { migrateEntry } from "./rotation.js";
import { checkSecrets, type SecretOptions } from "./secret-rules.js";
import { assertIfVersion, assertKey, assertValue, MAX_BATCH_KEYS, normalizeExpiresAt } from "./validation.js";

export type ReadOptions = SecretOptions;

export interface WriteOptions extends SecretOptions {
  /** Check-and-set: write only if the entry's version equals this (0: only if absent). Never retried blindly. */
  ifVersion?: number;
  /** When the entry stops existing; null or absent: never. */
  expiresAt?: Date | string | null;
}

export interface BatchWriteOptions extends SecretOptions {
  expiresAt?: Date | string | null;
}

/** A decrypted entry with the server's metadata. */
export interface DataVaultEntry {
  value: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}

/** What a store needs from its client; shared by every store of a client. */
export interface StoreContext {
  transport: Transport;
  cache: DerivedKeyCache | null;
  maxValueChars: number;
  maxBatchBodyBytes: number;
  onRotationError: (error: unknown) => void;
}

/** Old-secret lookups and cleanup DELETEs in flight at once. */
const REQUEST_CONCURRENCY = 8;
/** JSON overhead of one batch-set item besides its value: {"key":"<≤128>","value":"",...}. */
const BATCH_ITEM_OVERHEAD_BYTES = 256;

export class DataVaultStore {
  private readonly api: EntriesApi;

  constructor(readonly id: string, private readonly context: StoreContext) {
    this.api = new EntriesApi(context.transport, id);
  }

  /** `GET /api/v1/stores/{id}`: display name, entry count, creation time. */
  getInfo(): Promise<unknown> {
    return this.api.info();
  }

  async getValue(key: string, options: ReadOptions): Promise<string | null> {
    return (await this.getEntry(key, options))?.value ?? null;
  }

  /** Like getValue, with the version to pass as `ifVersion` later. */
  async getEntry(key: string, options: ReadOptions): Promise<DataVaultEntry | null> {
    assertKey(key);
    const { secret, previous } = checkSecrets(options);
    const current = await this.derive(secret, key);
    const entry = await this.api.get(current.keyHash);
    if (entry !== null) return this.open(current, entry);
    // Rotation: one more derivation per previous secret, only on a miss.
    for (const oldSecret of previous) {
      const old = await this.derive(oldSecret, key);
      const oldEntry = await this.api.get(old.keyHash);
      if (oldEntry === null) continue;
      return this.migrate(current, old, oldEntry);
    }
    return null;
  }

  async setValue(key: string, value: string, options: WriteOptions): Promise<void> {
    assertKey(key);
    assertValue(value, this.context.maxValueChars);
    assertIfVersion(options?.ifVersion);
    const expiresAt = normalizeExpiresAt(options?.expiresAt);
    const { secret, previous } = checkSecrets(options);
    const [current, ...olds] = await Promise.all([secret, ...previous].map((s) => this.derive(s, key)));
    const keys = current as EntryKeys;
    const ciphertext = encryptValue(keys.valueKey, this.id, keys.keyHash, value);
    await this.api.put(keys.keyHash, ciphertext, { expiresAt, ifVersion: options.ifVersion });
    // A copy under an old secret would never be read again (the current
    // entry hits first) but would keep the old value alive: remove it.
    await mapLimit(olds, REQUEST_CONCURRENCY, (old) => this.api.delete(old.keyHash).catch(this.context.onRotationError));
  }

  /** True if an entry existed (under the secret or any previous secret). */
  async deleteValue(key: string, options: ReadOptions): Promise<boolean> {
    assertKey(key);
    const { secret, previous } = checkSecrets(options);
    const all = await Promise.all([secret, ...previous].map((s) => this.derive(s, key)));
    const deleted = await mapLimit(all, REQUEST_CONCURRENCY, (keys) => this.api.delete(keys.keyHash));
    return deleted.some(Boolean);
  }

  /** Duplicate keys are read once. Every requested key is in the map; misses are null. */
  async getValues(keys: Iterable<string>, options: ReadOptions): Promise<Map<string, string | null>> {
    const unique = uniqueKeys(keys);
    const { secret, previous } = checkSecrets(options);
    const result = new Map<string, string | null>(unique.map((k) => [k, null]));
    if (unique.length === 0) return result;

    const current = await this.deriveAll(secret, unique);
    const found = await this.batchGet(current);
    let misses: string[] = [];
    unique.forEach((key, i) => {
      const entry = found[i];
      if (entry) result.set(key, this.open(current[i] as EntryKeys, entry).value);
      else misses.push(key);
    });

    const currentByKey = new Map(unique.map((k, i) => [k, current[i] as EntryKeys]));
    for (const oldSecret of previous) {
      if (misses.length === 0) break;
      const olds = await this.deriveAll(oldSecret, misses);
      const oldEntries = await this.batchGet(olds);
      const hits = misses.flatMap((key, i) => {
        const entry = oldEntries[i];
        return entry ? [{ key, old: olds[i] as EntryKeys, entry }] : [];
      });
      const migrated = await mapLimit(hits, REQUEST_CONCURRENCY, (hit) =>
        this.migrate(currentByKey.get(hit.key) as EntryKeys, hit.old, hit.entry),
      );
      hits.forEach((hit, i) => result.set(hit.key, migrated[i]?.value ?? null));
      const hitKeys = new Set(hits.map((h) => h.key));
      misses = misses.filter((k) => !hitKeys.has(k));
    }
    return result;
  }

  /**
   * Writes many entries, 100 per request (each request is atomic; a call
   * over 100 keys is not). A key given twice is rejected: the batch
   * endpoint forbids duplicates and a silent "last wins" hides bugs.
   */
  async setValues(entries: Iterable<readonly [string, string]>, options: BatchWriteOptions): Promise<void> {
    const list = [...entries];
    const seen = new Set<string>();
    list.forEach(([key, value], i) => {
      assertKey(key);
      assertValue(value, this.context.maxValueChars);
      if (seen.has(key)) throw invalidArgument(`setValues: entry ${i} repeats an earlier key.`);
      seen.add(key);
    });
    const expiresAt = normalizeExpiresAt(options?.expiresAt);
    const { secret, previous } = checkSecrets(options);
    if (list.length === 0) return;

    const keys = list.map(([key]) => key);
    const derived = await this.deriveAll(secret, keys);
    const items: BatchSetItem[] = list.map(([, value], i) => {
      const k = derived[i] as EntryKeys;
      const item: BatchSetItem = { key: k.keyHash, value: encryptValue(k.valueKey, this.id, k.keyHash, value) };
      if (expiresAt !== undefined) item.expiresAt = expiresAt;
      return item;
    });
    const chunks = chunk(items, MAX_BATCH_KEYS, this.context.maxBatchBodyBytes, (item) => item.value.length + BATCH_ITEM_OVERHEAD_BYTES);
    for (const part of chunks) await this.api.batchSet(part);

    // Same cleanup as setValue; a batch-get first, so the usual case (no
    // old copies left) costs one request per 100 keys, not one per key.
    for (const oldSecret of previous) {
      const olds = await this.deriveAll(oldSecret, keys);
      const existing = await this.batchGet(olds);
      const stale = olds.filter((_, i) => existing[i] !== null);
      await mapLimit(stale, REQUEST_CONCURRENCY, (old) => this.api.delete(old.keyHash).catch(this.context.onRotationError));
    }
  }

  private derive(secret: string, key: string): Promise<EntryKeys> {
    const { cache } = this.context;
    if (cache === null) return deriveEntryKeys(secret, this.id, key);
    return cache.getOrDerive(secret, this.id, key, () => deriveEntryKeys(secret, this.id, key));
  }

  /** All in parallel: async PBKDF2 spreads over libuv's thread pool. */
  private deriveAll(secret: string, keys: readonly string[]): Promise<EntryKeys[]> {
    return Promise.all(keys.map((key) => this.derive(secret, key)));
  }

  /** Entries in the order of `keys`, chunked to the endpoint's 100-key limit. */
  private async batchGet(keys: readonly EntryKeys[]): Promise<Array<WireEntry | null>> {
    const hashes = keys.map((k) => k.keyHash);
    const found = new Map<string, WireEntry | null>();
    const parts = await mapLimit(chunk(hashes, MAX_BATCH_KEYS), 4, (part) => this.api.batchGet(part));
    for (const part of parts) for (const [hash, entry] of part) found.set(hash, entry);
    return hashes.map((hash) => found.get(hash) ?? null);
  }

  private open(keys: EntryKeys, entry: WireEntry): DataVaultEntry {
    return { ...entry, value: decryptValue(keys.valueKey, this.id, keys.keyHash, entry.value) };
  }

  private async migrate(current: EntryKeys, old: EntryKeys, oldEntry: WireEntry): Promise<DataVaultEntry | null> {
    const opened = this.open(old, oldEntry);
    const outcome = await migrateEntry(this.api, this.id, current, old, oldEntry, opened.value, this.context.onRotationError);
    if (outcome.kind === "kept-old") return opened;
    if (outcome.kind === "migrated") {
      // Server timestamps are not echoed by PUT; "now" is within a round trip.
      const now = new Date().toISOString();
      return { value: opened.value, version: outcome.version, createdAt: now, updatedAt: now, expiresAt: oldEntry.expiresAt };
    }
    const fresh = await this.api.get(current.keyHash);
    return fresh === null ? null : this.open(current, fresh);
  }
}

function uniqueKeys(keys: Iterable<string>): string[] {
  if (keys === null || typeof keys !== "object" || !(Symbol.iterator in keys)) {
    throw invalidArgument("keys must be an iterable of strings.");
  }
  const unique = [...new Set(keys)];
  unique.forEach((key) => assertKey(key));
  return unique;
}

