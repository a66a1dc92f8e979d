// Stack Auth's Data Vault call shapes over Data Vault, for apps moving over
// (docs/migrating-from-stack-auth.md): `await app.getDataVaultStore(id)`,
// then `store.getValue(key, { secret })` and `store.setValue(key, value,
// { secret })`, as in `stackServerApp`. The data is encrypted with this
// SDK's format; what differs on purpose (the empty secret, errors) is in
// the guide.
import { DataVaultClient, type DataVaultClientOptions } from "./client.js";
import { assertServerRuntime } from "./runtime-guard.js";
import { DataVaultError, invalidArgument } from "./errors.js";
import type { DataVaultStore } from "./store.js";
import { MAX_BATCH_KEYS } from "./validation.js";

// Runs on import, as for the main entry point: never in a browser.
assertServerRuntime();

/** The store shape of Stack Auth's server app, as far as this adapter provides it. */
export interface StackAuthStyleStore {
  readonly id: string;
  getValue(key: string, options: { secret: string }): Promise<string | null>;
  setValue(key: string, value: string, options: { secret: string }): Promise<void>;
}

export interface StackAuthStyleApp {
  /** Async, as Stack Auth's is. The store must exist (dashboard or admin CLI); a missing one fails on first use with STORE_NOT_FOUND. */
  getDataVaultStore(id: string): Promise<StackAuthStyleStore>;
}

/**
 * Stack Auth accepts an empty secret (`""` stores values that anyone with
 * the server key can read back). Data Vault refuses it: the secret is what
 * keeps the vault from reading your data. The SDK refuses any empty secret;
 * this says why, in Stack Auth's terms.
 */
function checkSecret(options: { secret: string } | undefined): void {
  if (options === null || typeof options !== "object" || typeof options.secret !== "string") {
    throw invalidArgument("Options with a `secret` are required.");
  }
  if (options.secret === "") {
    throw invalidArgument(
      "An empty secret is refused on purpose (Stack Auth accepts one): it would let anyone holding the server key read the values. " +
        "Use at least 32 random characters (openssl rand -base64 32).",
    );
  }
}

class StackAuthStyleStoreImpl implements StackAuthStyleStore {
  constructor(private readonly store: DataVaultStore) {}

  get id(): string {
    return this.store.id;
  }

  async getValue(key: string, options: { secret: string }): Promise<string | null> {
    checkSecret(options);
    return this.store.getValue(key, { secret: options.secret });
  }

  async setValue(key: string, value: string, options: { secret: string }): Promise<void> {
    checkSecret(options);
    await this.store.setValue(key, value, { secret: options.secret });
  }
}

/**
 * An object with Stack Auth's `getDataVaultStore(id)` over a Data Vault
 * client (or the options to make one):
 *
 *     const stackServerApp = stackAuthCompat({ baseUrl, serverKey });
 *     const store = await stackServerApp.getDataVaultStore("oauth-tokens");
 *     await store.setValue(key, value, { secret });
 */
export function stackAuthCompat(client: DataVaultClient | DataVaultClientOptions): StackAuthStyleApp {
  const vault = client instanceof DataVaultClient ? client : new DataVaultClient(client);
  return {
    async getDataVaultStore(id: string): Promise<StackAuthStyleStore> {
      return new StackAuthStyleStoreImpl(vault.getDataVaultStore(id));
    },
  };
}

/** Anything with Stack Auth's getValue: their store object, or this adapter's. */
export interface StackAuthStyleSource {
  getValue(key: string, options: { secret: string }): Promise<string | null>;
}

export interface CopyOptions {
  /** The secret the values were stored with on the source side (may be "" for Stack Auth's). */
  sourceSecret: string;
  /** The secret to store them with here: non-empty, ideally new. */
  secret: string;
  /** Reads in flight on the source and keys per write here (1 to 100). Default 20. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Copies known keys from a Stack Auth Data Vault store (read with its own
 * SDK) into a Data Vault store. Stack Auth hashes keys too, so only keys you
 * know can be copied. Missing ones are counted, not written. Idempotent:
 * running it again writes the same values again.
 */
export async function copyFromStackAuth(
  source: StackAuthStyleSource,
  target: DataVaultStore,
  keys: Iterable<string>,
  options: CopyOptions,
): Promise<{ copied: number; missing: string[] }> {
  if (options === null || typeof options !== "object" || typeof options.sourceSecret !== "string") {
    throw invalidArgument("copyFromStackAuth needs { sourceSecret, secret }.");
  }
  checkSecret({ secret: options.secret });
  const batchSize = options.batchSize ?? 20;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_KEYS) throw invalidArgument("batchSize must be an integer from 1 to 100.");
  const list = [...new Set(keys)];
  const missing: string[] = [];
  let copied = 0;
  for (let start = 0; start < list.length; start += batchSize) {
    const part = list.slice(start, start + batchSize);
    const values = await Promise.all(
      part.map(async (key) => {
        try {
          return await source.getValue(key, { secret: options.sourceSecret });
        } catch (error) {
          // The source's error is kept as the cause, out of the message: it may name the key.
          throw new DataVaultError("HTTP_ERROR", "Reading from the source store failed; see the cause.", { cause: error });
        }
      }),
    );
    const found: Array<[string, string]> = [];
    part.forEach((key, i) => {
      const value = values[i];
      if (typeof value === "string") found.push([key, value]);
      else missing.push(key);
    });
    if (found.length > 0) await target.setValues(found, { secret: options.secret });
    copied += found.length;
    options.onProgress?.(Math.min(start + batchSize, list.length), list.length);
  }
  return { copied, missing };
}
