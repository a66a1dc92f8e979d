import { createHmac, randomBytes } from "node:crypto";
import { chunk, mapLimit } from "./batching.js";
import { decryptValue, encryptValue } from "./crypto/cipher.js";
import { deriveEntryKeys, type EntryKeys } from "./crypto/derive.js";
import { lengthPrefixed } from "./crypto/encoding.js";
import type { GenerationIds } from "./crypto/generation.js";
import { DataVaultError, invalidArgument } from "./errors.js";
import { EntriesApi, type BatchSetItem } from "./http/entries-api.js";
import type { Transport } from "./http/transport.js";
import type { AccessLogPage, GenerationCount, WireEntry } from "./http/wire.js";
import type { DerivedKeyCache } from "./key-cache.js";
import { migrateKeys, type MigrateProgress, type MigrateResult } from "./migrate.js";
import { runRefresh, type RefreshFunction, type RefreshResult } from "./refresh.js";
import { migrateEntry } from "./rotation.js";
import { checkSecrets, type SecretOptions } from "./secret-rules.js";
import { assertIfVersion, assertKey, assertValue, ciphertextLength, MAX_BATCH_KEYS, normalizeExpiresAt } from "./validation.js";
import { batchPutBlind, putBlind, putConditional } from "./writes.js";

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

export interface RefreshOptions extends SecretOptions {
  /** How long the lease lasts without renewal (renewed every third of it while the function runs). Default 30,000 ms. */
  leaseMs?: number;
  /** How long to wait for another caller's refresh before failing with LEASE_TIMEOUT. Default 2 × leaseMs. */
  waitMs?: number;
  /** Expiry written with the new value unless the function returns one. Absent: never expires. */
  expiresAt?: Date | string | null;
  /**
   * Concurrent refreshes of one key in this process share one run (and one
   * trip through the lease). Default true; false makes each call contend
   * for the vault's lease on its own.
   */
  coalesce?: boolean;
}

export interface MigrateOptions extends SecretOptions {
  /** Keys per round (1 to 100). Default 100. */
  batchSize?: number;
  onProgress?: (progress: MigrateProgress) => void;
}

export interface AccessLogOptions extends SecretOptions {
  /** Only events at or after this time. */
  since?: Date | string;
  /** Most events in one answer, 1 to 1000 (default 100). */
  limit?: number;
  /** The `nextCursor` of an earlier page, for older events. */
  cursor?: string;
}

/** A decrypted entry with the server's metadata. */
export interface DataVaultEntry {
  value: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string | null;
}

/** `store.getInfo()`: the store, and its live entries per secret generation. */
export interface StoreInfo {
  id: string;
  displayName: string;
  entryCount: number;
  createdAt: string;
  /** Live entries per generation id, largest first; id null: written without one (an SDK before format v2). */
  generations: GenerationCount[];
  /** Only when `secret` was given: where the rotation to it stands. */
  rotation?: RotationStatus;
}

export interface RotationStatus {
  /** The given secret's generation and its entries. */
  current: { id: string; entryCount: number };
  /** Each previous secret's generation and its entries, in the order given. */
  previous: Array<{ id: string; entryCount: number }>;
  /** Entries under anything but the current secret: previous ones, unknown (null) and any other generation. */
  remaining: number;
  /** True when `remaining` is 0: no entry needs an older secret any more. */
  done: boolean;
}

export interface SecretCheck {
  /**
   * "match": the store holds entries written under this secret.
   * "mismatch": it holds entries with generation ids, none of this secret.
   * "unknown": nothing to compare with (no entries, or only entries written without a generation id).
   */
  status: "match" | "mismatch" | "unknown";
  /** This secret's generation id in this store. */
  generation: string;
  /** Live entries under this secret. */
  entryCount: number;
}

/** What a store needs from its client; shared by every store of a client. */
export interface StoreContext {
  transport: Transport;
  cache: DerivedKeyCache | null;
  generations: GenerationIds;
  maxValueChars: number;
  maxBatchBodyBytes: number;
  /** Attempts for a write whose answer was lost (it is read back in between). */
  attempts: number;
  acceptV1: boolean;
  onRotationError: (error: unknown) => void;
}

/** Old-secret lookups and cleanup DELETEs in flight at once. */
const REQUEST_CONCURRENCY = 8;
/** JSON overhead of one batch-set item besides its value: {"key":"<≤128>","value":"","ifVersion":n,"generation":"…",...}. */
const BATCH_ITEM_OVERHEAD_BYTES = 320;
const DEFAULT_LEASE_MS = 30_000;

export class DataVaultStore {
  private readonly api: EntriesApi;
  /** Refreshes in flight in this process, by an HMAC of (secret, key): no derivation needed to join one. */
  private readonly flights = new Map<string, Promise<string>>();
  private readonly flightKey = randomBytes(32);

  constructor(
    readonly id: string,
    private readonly context: StoreContext,
    /** Bound into every ciphertext this store writes and checked on every read ("" for none). */
    readonly appContext: string = "",
  ) {
    this.api = new EntriesApi(context.transport, id);
  }

  /**
   * `GET /api/v1/stores/{id}`: display name, live entry count, and the
   * count per secret generation. With `secret` (and `previousSecrets`), also
   * where a rotation to that secret stands.
   */
  async getInfo(options?: Partial<SecretOptions>): Promise<StoreInfo> {
    const secrets = options?.secret === undefined ? null : checkSecrets(options as SecretOptions);
    const [info, ids] = await Promise.all([
      this.api.info(),
      secrets === null ? null : Promise.all([secrets.secret, ...secrets.previous].map((s) => this.generationOf(s))),
    ]);
    const result: StoreInfo = { ...info };
    if (ids !== null) {
      const count = (id: string) => info.generations.find((g) => g.id === id)?.entryCount ?? 0;
      const [currentId, ...previousIds] = ids as [string, ...string[]];
      const current = { id: currentId, entryCount: count(currentId) };
      const remaining = info.entryCount - current.entryCount;
      result.rotation = { current, previous: previousIds.map((id) => ({ id, entryCount: count(id) })), remaining, done: remaining === 0 };
    }
    return result;
  }

  /**
   * Whether `secret` is the one this store's entries were written with,
   * by comparing its generation id with the store's counts. The vault
   * learns the generation id, which costs as much to test a guess against
   * as any key hash.
   */
  async verifySecret(options: { secret: string }): Promise<SecretCheck> {
    const { secret } = checkSecrets(options);
    const [generation, info] = await Promise.all([this.generationOf(secret), this.api.info()]);
    const known = info.generations.filter((g) => g.id !== null);
    const mine = known.find((g) => g.id === generation);
    return { status: mine ? "match" : known.length === 0 ? "unknown" : "mismatch", generation, entryCount: mine?.entryCount ?? 0 };
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
      return this.migrate1(secret, current, old, oldEntry);
    }
    return null;
  }

  /**
   * Writes a value (format v2, bound to the version it gets). With
   * ifVersion the version is known; without, one read first learns it, and
   * a concurrent write that lands in between wins (last writer wins: this
   * write then counts as overwritten by it).
   */
  async setValue(key: string, value: string, options: WriteOptions): Promise<void> {
    assertKey(key);
    assertValue(value, this.context.maxValueChars);
    assertIfVersion(options?.ifVersion);
    const expiresAt = normalizeExpiresAt(options?.expiresAt);
    const { secret, previous } = checkSecrets(options);
    // The generation id (memoized per secret and store) derives alongside the keys.
    const [generation, [keys, ...olds]] = await Promise.all([
      this.generationOf(secret),
      Promise.all([secret, ...previous].map((s) => this.derive(s, key))) as Promise<[EntryKeys, ...EntryKeys[]]>,
    ]);
    const write = { generation, ...(expiresAt !== undefined && { expiresAt }) };
    if (options.ifVersion !== undefined) {
      await putConditional(this.api, keys.keyHash, this.seal(keys, options.ifVersion + 1, value), { ...write, ifVersion: options.ifVersion }, this.context.attempts);
    } else {
      await putBlind(this.api, keys.keyHash, (version) => this.seal(keys, version, value), write, this.context.attempts);
    }
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

  async getAccessLog(key: string, options: AccessLogOptions): Promise<AccessLogPage> {
    assertKey(key);
    const { secret } = checkSecrets(options);
    const since = options.since === undefined ? undefined : normalizeExpiresAt(options.since);
    if (since === null) throw invalidArgument("since must be a date.");
    const limit = options.limit;
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 1000)) throw invalidArgument("limit must be an integer from 1 to 1000.");
    if (options.cursor !== undefined && (typeof options.cursor !== "string" || !/^[0-9a-f]{28}$/.test(options.cursor))) {
      throw invalidArgument("cursor must be the nextCursor of an earlier page.");
    }
    const { keyHash } = await this.derive(secret, key);
    return this.api.accessLog(keyHash, { since, limit, cursor: options.cursor });
  }

  /** Duplicate keys are read once. Every requested key is in the map; misses are null. */
  async getValues(keys: Iterable<string>, options: ReadOptions): Promise<Map<string, string | null>> {
    const unique = uniqueKeys(keys);
    const { secret, previous } = checkSecrets(options);
    const result = new Map<string, string | null>(unique.map((k) => [k, null]));
    if (unique.length === 0) return result;

    const current = await this.deriveAll(secret, unique);
    const found = await this.batchGet(current.map((k) => k.keyHash));
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
      const oldEntries = await this.batchGet(olds.map((k) => k.keyHash));
      const hits = misses.flatMap((key, i) => {
        const entry = oldEntries[i];
        return entry ? [{ key, old: olds[i] as EntryKeys, entry }] : [];
      });
      const migrated = await mapLimit(hits, REQUEST_CONCURRENCY, (hit) =>
        this.migrate1(secret, currentByKey.get(hit.key) as EntryKeys, hit.old, hit.entry),
      );
      hits.forEach((hit, i) => result.set(hit.key, migrated[i]?.value ?? null));
      const hitKeys = new Set(hits.map((h) => h.key));
      misses = misses.filter((k) => !hitKeys.has(k));
    }
    return result;
  }

  /**
   * Writes many entries, 100 per request (each request is atomic; a call
   * over 100 keys is not). Each request first reads the keys' versions
   * (one batch-get) so the values can be bound to them. A key given twice
   * is rejected: the batch endpoint forbids duplicates and a silent "last
   * wins" hides bugs.
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
    const [generation, derived] = await Promise.all([this.generationOf(secret), this.deriveAll(secret, keys)]);
    const items = list.map(([, value], i) => {
      const k = derived[i] as EntryKeys;
      return { keyHash: k.keyHash, seal: (version: number) => this.seal(k, version, value), expiresAt, size: Buffer.byteLength(value, "utf8") };
    });
    const chunks = chunk(items, MAX_BATCH_KEYS, this.context.maxBatchBodyBytes, (item) => ciphertextLength(item.size) + BATCH_ITEM_OVERHEAD_BYTES);
    for (const part of chunks) await batchPutBlind(this.api, part, generation, (hashes) => this.batchGet(hashes), this.context.attempts);

    // Same cleanup as setValue; a batch-get first, so the usual case (no
    // old copies left) costs one request per 100 keys, not one per key.
    for (const oldSecret of previous) {
      const olds = await this.deriveAll(oldSecret, keys);
      const existing = await this.batchGet(olds.map((k) => k.keyHash));
      const stale = olds.filter((_, i) => existing[i] !== null);
      await mapLimit(stale, REQUEST_CONCURRENCY, (old) => this.api.delete(old.keyHash).catch(this.context.onRotationError));
    }
  }

  /**
   * Refreshes a value under a lease held in the vault: among all callers,
   * in every process, one at a time runs `fn` with the current value (null
   * when absent) and its result is written, fenced by the lease; callers
   * that find the lease held wait (up to waitMs) and return the value the
   * holder wrote, without running `fn`. If the holder dies, its lease runs
   * out after leaseMs and a waiter takes over.
   */
  async refresh(key: string, fn: RefreshFunction, options: RefreshOptions): Promise<string> {
    assertKey(key);
    if (typeof fn !== "function") throw invalidArgument("refresh needs a function.");
    const { secret, previous } = checkSecrets(options);
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    if (!Number.isInteger(leaseMs) || leaseMs < 100 || leaseMs > 600_000) throw invalidArgument("leaseMs must be an integer from 100 to 600,000.");
    const waitMs = options.waitMs ?? 2 * leaseMs;
    if (!(Number.isFinite(waitMs) && waitMs >= 0)) throw invalidArgument("waitMs must be a non-negative number.");
    const expiresAt = normalizeExpiresAt(options.expiresAt);

    const flight = createHmac("sha256", this.flightKey).update(lengthPrefixed(secret, key)).digest("base64url");
    if (options.coalesce !== false) {
      const running = this.flights.get(flight);
      if (running !== undefined) return running;
    }
    const run = (async () => {
      // An entry still under a previous secret moves first, so the lease and the write are on the current key hash.
      if (previous.length > 0) await this.getEntry(key, { secret, previousSecrets: previous });
      const [keys, generation] = await Promise.all([this.derive(secret, key), this.generationOf(secret)]);
      const host = {
        api: this.api,
        attempts: this.context.attempts,
        open: (k: EntryKeys, entry: WireEntry) => this.open(k, entry).value,
        seal: (k: EntryKeys, version: number, value: string) => this.seal(k, version, value),
        check: (result: RefreshResult) => this.checkRefreshResult(result),
      };
      return runRefresh(host, keys, fn, { leaseMs, waitMs, generation, expiresAt });
    })();
    if (options.coalesce === false) return run;
    this.flights.set(flight, run);
    try {
      return await run;
    } finally {
      if (this.flights.get(flight) === run) this.flights.delete(flight);
    }
  }

  /**
   * Moves known keys to `secret` and to format v2 now, in batches: entries
   * found under a previous secret are rewritten under the current one (and
   * the old copy removed), v1 entries under the current secret are
   * rewritten as v2. Afterwards `getInfo({ secret, previousSecrets })`
   * shows what is left.
   */
  async migrate(keys: Iterable<string>, options: MigrateOptions): Promise<MigrateResult> {
    const unique = uniqueKeys(keys);
    const { secret, previous } = checkSecrets(options);
    const batchSize = options.batchSize ?? MAX_BATCH_KEYS;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_KEYS) throw invalidArgument("batchSize must be an integer from 1 to 100.");
    const generation = await this.generationOf(secret);
    const host = {
      api: this.api,
      attempts: this.context.attempts,
      generation,
      deriveAll: (s: string, k: readonly string[]) => this.deriveAll(s, k),
      batchGet: (hashes: readonly string[]) => this.batchGet(hashes),
      open: (k: EntryKeys, entry: WireEntry) => this.open(k, entry).value,
      seal: (k: EntryKeys, version: number, value: string) => this.seal(k, version, value),
      chunkSets: (items: BatchSetItem[]) => chunk(items, MAX_BATCH_KEYS, this.context.maxBatchBodyBytes, (item) => item.value.length + BATCH_ITEM_OVERHEAD_BYTES),
      deleteIfVersion: async (keyHash: string, version: number) => {
        await this.api.delete(keyHash, version).catch(this.context.onRotationError);
      },
    };
    return migrateKeys(host, unique, secret, previous, batchSize, options.onProgress);
  }

  private checkRefreshResult(result: RefreshResult): { value: string; expiresAt: string | null | undefined } {
    const value = typeof result === "string" ? result : (result as { value?: unknown } | null)?.value;
    assertValue(value, this.context.maxValueChars);
    const expiresAt = typeof result === "string" ? undefined : normalizeExpiresAt(result.expiresAt);
    return { value, expiresAt };
  }

  private generationOf(secret: string): Promise<string> {
    return this.context.generations.get(secret, this.id);
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

  /** Entries in the order of `hashes`, chunked to the endpoint's 100-key limit. */
  private async batchGet(hashes: readonly string[]): Promise<Array<WireEntry | null>> {
    const found = new Map<string, WireEntry | null>();
    const parts = await mapLimit(chunk(hashes, MAX_BATCH_KEYS), 4, (part) => this.batchGetSplitting(part));
    for (const part of parts) for (const [hash, entry] of part) found.set(hash, entry);
    return hashes.map((hash) => found.get(hash) ?? null);
  }

  /**
   * The server caps one batch answer's size (RESPONSE_TOO_LARGE, nothing
   * read): halve the batch until each half fits; a single key that still
   * does not fit is read with a plain GET.
   */
  private async batchGetSplitting(hashes: readonly string[]): Promise<Map<string, WireEntry | null>> {
    try {
      return await this.api.batchGet(hashes);
    } catch (error) {
      if (!(error instanceof DataVaultError) || error.code !== "RESPONSE_TOO_LARGE") throw error;
      if (hashes.length === 1) return new Map([[hashes[0]!, await this.api.get(hashes[0]!)]]);
      const half = Math.ceil(hashes.length / 2);
      const [a, b] = await Promise.all([this.batchGetSplitting(hashes.slice(0, half)), this.batchGetSplitting(hashes.slice(half))]);
      return new Map([...a, ...b]);
    }
  }

  private seal(keys: EntryKeys, version: number, value: string): string {
    return encryptValue(keys.valueKey, { storeId: this.id, keyHash: keys.keyHash, version, context: this.appContext }, value);
  }

  private open(keys: EntryKeys, entry: WireEntry): DataVaultEntry {
    const binding = { storeId: this.id, keyHash: keys.keyHash, version: entry.version, context: this.appContext };
    return { ...entry, value: decryptValue(keys.valueKey, binding, entry.value, { acceptV1: this.context.acceptV1 }) };
  }

  /** Moves one entry found under an old secret (a read with previousSecrets). */
  private async migrate1(secret: string, current: EntryKeys, old: EntryKeys, oldEntry: WireEntry): Promise<DataVaultEntry | null> {
    const opened = this.open(old, oldEntry);
    const generation = await this.generationOf(secret);
    const ciphertext = this.seal(current, 1, opened.value);
    const outcome = await migrateEntry(this.api, current, old, oldEntry, ciphertext, generation, this.context.onRotationError);
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
