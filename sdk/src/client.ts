import { invalidArgument } from "./errors.js";
import type { FetchLike } from "./http/transport.js";
import { Transport } from "./http/transport.js";
import { GenerationIds } from "./crypto/generation.js";
import { DerivedKeyCache, type KeyCacheOptions } from "./key-cache.js";
import { DataVaultStore, type StoreContext } from "./store.js";
import { assertContext, assertStoreId, DEFAULT_MAX_VALUE_CHARS } from "./validation.js";

export interface DataVaultClientOptions {
  /** Where the vault runs, e.g. "https://vault.example.com". */
  baseUrl: string;
  /** A server key from the dashboard; sent as a Bearer token. */
  serverKey: string;
  /** Per attempt, including reading the body. Default 10,000 ms. */
  timeoutMs?: number;
  /** Extra attempts after the first, for requests that are safe to repeat. Default 2. */
  retries?: number;
  /** First backoff step; doubles per attempt, with jitter. Default 100 ms. */
  retryBaseDelayMs?: number;
  /** Backoff ceiling. Default 2,000 ms. */
  retryMaxDelayMs?: number;
  /** A 429 asking to wait longer than this fails at once instead. Default 30,000 ms. */
  maxRetryAfterMs?: number;
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /**
   * Opt-in cache of derived keys (off by default). Saves the ~40 ms PBKDF2
   * on repeated keys, at the price of keeping derived keys in memory for
   * `ttlMs`. `true` means 1,000 entries for 5 minutes.
   */
  cache?: boolean | KeyCacheOptions;
  /** The server's ciphertext limit, if configured differently. Default 2,097,152. */
  maxValueChars?: number;
  /** Upper bound on one batch-set body; larger batches are split. Default maxValueChars + 64 KiB. */
  maxBatchBodyBytes?: number;
  /**
   * Called when rotation housekeeping fails (moving an old-secret entry,
   * deleting an old copy). The call itself still succeeds. Default: ignore.
   */
  onRotationError?: (error: unknown) => void;
  /**
   * An app-chosen name bound into every value this client writes and
   * checked on every read, e.g. a project or an environment ("prod"): a
   * value copied from another context (another project sharing the secret)
   * fails to decrypt. Default "" (none). Changing it makes existing v2
   * values unreadable: pick it once. Per store: getDataVaultStore(id, { context }).
   */
  context?: string;
  /**
   * Accept values in format v1 (written before versions were bound). Default
   * true, so existing entries stay readable; each becomes v2 on its next
   * write (or store.migrate). Once none is left, false turns a v1 value put
   * back into the vault into a ROLLBACK_DETECTED error instead of a read.
   */
  acceptV1?: boolean;
}

export interface StoreOptions {
  /** Overrides the client's `context` for this store. */
  context?: string;
}

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) throw invalidArgument(`${name} must be a ${allowZero ? "non-negative" : "positive"} number.`);
  return value;
}

function normalizeBaseUrl(baseUrl: unknown): string {
  if (typeof baseUrl !== "string") throw invalidArgument("baseUrl must be a string.");
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalidArgument("baseUrl must be an absolute http(s) URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalidArgument("baseUrl must be an absolute http(s) URL.");
  if (url.username !== "" || url.password !== "") throw invalidArgument("baseUrl must not contain credentials.");
  return url.toString().replace(/\/+$/, "");
}

export class DataVaultClient {
  private readonly stores = new Map<string, DataVaultStore>();
  private readonly context: StoreContext;
  private readonly defaultContext: string;

  constructor(options: DataVaultClientOptions) {
    if (options === null || typeof options !== "object") throw invalidArgument("DataVaultClient needs an options object.");
    const { serverKey } = options;
    // Checked without echoing it: a bad key must not end up in a log.
    if (typeof serverKey !== "string" || serverKey.length === 0 || /[\s]/.test(serverKey)) {
      throw invalidArgument("serverKey must be a non-empty string without whitespace.");
    }
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchImpl !== "function") throw invalidArgument("No fetch available: pass `fetch` in the options.");
    const maxValueChars = positive(options.maxValueChars, DEFAULT_MAX_VALUE_CHARS, "maxValueChars");
    const cacheOptions = options.cache === true ? {} : options.cache === false || options.cache === undefined ? null : options.cache;
    const retries = positive(options.retries, 2, "retries", true);
    if (!Number.isInteger(retries)) throw invalidArgument("retries must be an integer.");
    this.defaultContext = options.context ?? "";
    assertContext(this.defaultContext);
    if (options.acceptV1 !== undefined && typeof options.acceptV1 !== "boolean") throw invalidArgument("acceptV1 must be a boolean.");
    this.context = {
      transport: new Transport({
        baseUrl: normalizeBaseUrl(options.baseUrl),
        serverKey,
        timeoutMs: positive(options.timeoutMs, 10_000, "timeoutMs"),
        retries,
        retryBaseDelayMs: positive(options.retryBaseDelayMs, 100, "retryBaseDelayMs", true),
        retryMaxDelayMs: positive(options.retryMaxDelayMs, 2_000, "retryMaxDelayMs", true),
        maxRetryAfterMs: positive(options.maxRetryAfterMs, 30_000, "maxRetryAfterMs", true),
        // Bound to globalThis: some runtimes throw "Illegal invocation" otherwise.
        fetch: options.fetch ?? ((url, init) => fetchImpl(url, init)),
      }),
      cache: cacheOptions === null ? null : new DerivedKeyCache(cacheOptions),
      generations: new GenerationIds(),
      attempts: retries + 1,
      acceptV1: options.acceptV1 ?? true,
      maxValueChars,
      maxBatchBodyBytes: positive(options.maxBatchBodyBytes, maxValueChars + 65_536, "maxBatchBodyBytes"),
      onRotationError: options.onRotationError ?? (() => {}),
    };
  }

  /** Synchronous; `await` on it also works, as with Stack Auth's async version. */
  getDataVaultStore(storeId: string, options: StoreOptions = {}): DataVaultStore {
    assertStoreId(storeId);
    const context = options.context ?? this.defaultContext;
    assertContext(context);
    const index = `${storeId}\u0000${context}`;
    let store = this.stores.get(index);
    if (store === undefined) {
      store = new DataVaultStore(storeId, this.context, context);
      this.stores.set(index, store);
    }
    return store;
  }

  /** Drops every cached derived key (e.g. after a secret rotation). */
  clearKeyCache(): void {
    this.context.cache?.clear();
  }
}
