// Writes of format v2 values. A v2 ciphertext is bound to the version the
// vault will give the write, so every write is conditional (ifVersion):
// that is what makes the bound version the real one. The SDK learns the
// current version for free when the caller passes ifVersion, inside a
// refresh (the lease answer) and during a migration (it read the entry);
// otherwise it costs one read first (docs/crypto.md, "Writing v2").
import { DataVaultError } from "./errors.js";
import type { BatchSetItem, EntriesApi, PutOptions } from "./http/entries-api.js";
import type { WireEntry } from "./http/wire.js";

/** The outcome of a write whose answer was lost is unknown until read back. */
export function isAmbiguous(error: unknown): boolean {
  const e = error as DataVaultError | undefined;
  if (e?.code === "NETWORK_ERROR" || e?.code === "TIMEOUT" || e?.code === "INVALID_RESPONSE") return true;
  return typeof e?.status === "number" && e.status >= 500;
}

function moved(): DataVaultError {
  return new DataVaultError(
    "VERSION_CONFLICT",
    "The entry changed while the outcome of this write was unknown; the write may have landed and been overwritten since.",
    { status: 409 },
  );
}

export type ConditionalPut = Omit<PutOptions, "ifVersion"> & { ifVersion: number };

/**
 * PUT with ifVersion. A lost answer (network error, timeout, 5xx) is
 * resolved by reading the entry back: our ciphertext there means the write
 * landed (every ciphertext is unique: a random nonce); the version
 * unchanged means it did not, so it is sent again; anything else is a
 * VERSION_CONFLICT. A 409 from the vault (VERSION_CONFLICT, LEASE_LOST) is
 * thrown as it is.
 */
export async function putConditional(api: EntriesApi, keyHash: string, ciphertext: string, options: ConditionalPut, attempts: number): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await api.put(keyHash, ciphertext, options)).version;
    } catch (error) {
      if (!isAmbiguous(error) || attempt >= attempts) throw error;
      let now: WireEntry | null;
      try {
        now = await api.get(keyHash);
      } catch {
        throw error;
      }
      if (now !== null && now.value === ciphertext) return now.version;
      if ((now?.version ?? 0) !== options.ifVersion) throw moved();
    }
  }
}

/**
 * A write without a version from the caller ("last writer wins"): read the
 * version, write conditionally on it. Losing that race to a concurrent
 * write means ours happened first and was overwritten, which is a correct
 * outcome for an unconditional write (both calls overlapped), so the
 * VERSION_CONFLICT is absorbed and never retried: one extra round trip at
 * most, never a loop.
 */
export async function putBlind(
  api: EntriesApi,
  keyHash: string,
  seal: (version: number) => string,
  options: Omit<PutOptions, "ifVersion">,
  attempts: number,
): Promise<{ written: boolean }> {
  const current = await api.get(keyHash);
  const version = current?.version ?? 0;
  try {
    await putConditional(api, keyHash, seal(version + 1), { ...options, ifVersion: version }, attempts);
    return { written: true };
  } catch (error) {
    if ((error as DataVaultError).code === "VERSION_CONFLICT") return { written: false };
    throw error;
  }
}

/**
 * One atomic batch-set whose items all carry ifVersion. When some keys
 * moved meanwhile (409, or a lost answer read back), those items are
 * dropped and the rest sent again: their ciphertexts are still bound to
 * the right versions, since nothing of a refused batch is written. Returns
 * the keys it wrote; the dropped ones were overtaken by another write.
 */
export async function batchPutConditional(
  api: EntriesApi,
  items: readonly BatchSetItem[],
  batchGet: (keyHashes: string[]) => Promise<Array<WireEntry | null>>,
  attempts: number,
): Promise<Set<string>> {
  let pending = [...items];
  const written = new Set<string>();
  for (let attempt = 1; pending.length > 0; attempt++) {
    try {
      await api.batchSet(pending);
      for (const p of pending) written.add(p.key);
      return written;
    } catch (error) {
      const conflict = (error as DataVaultError).code === "VERSION_CONFLICT";
      // A conflict drops at least one item, so this ends.
      if ((!conflict && !isAmbiguous(error)) || (!conflict && attempt >= attempts)) throw error;
      let now: Array<WireEntry | null>;
      try {
        now = await batchGet(pending.map((p) => p.key));
      } catch {
        throw error;
      }
      // A batch is atomic: if one of ours is there, all of them are.
      if (pending.some((p, i) => now[i]?.value === p.value)) {
        for (const p of pending) written.add(p.key);
        return written;
      }
      const before = pending.length;
      pending = pending.filter((p, i) => (now[i]?.version ?? 0) === p.ifVersion);
      if (conflict && pending.length === before) throw error; // nothing moved: not a race we can resolve
    }
  }
  return written;
}

export interface BlindBatchItem {
  keyHash: string;
  seal: (version: number) => string;
  expiresAt?: string | null | undefined;
}

/**
 * setValues' writes of one request (up to 100 keys): one batch-get for the
 * versions (the extra round trip), then batchPutConditional. A key another
 * write moved meanwhile is dropped, as in putBlind.
 */
export async function batchPutBlind(
  api: EntriesApi,
  items: readonly BlindBatchItem[],
  generation: string,
  batchGet: (keyHashes: string[]) => Promise<Array<WireEntry | null>>,
  attempts: number,
): Promise<void> {
  const current = await batchGet(items.map((i) => i.keyHash));
  const sets = items.map((item, i) => {
    const version = current[i]?.version ?? 0;
    const out: BatchSetItem = { key: item.keyHash, value: item.seal(version + 1), ifVersion: version, generation };
    if (item.expiresAt !== undefined) out.expiresAt = item.expiresAt;
    return out;
  });
  await batchPutConditional(api, sets, batchGet, attempts);
}
