// store.migrate(): moves known keys to the current secret and to format
// v2 eagerly, in batches, instead of waiting for each entry to be read.
import { CIPHERTEXT_PREFIX_V2 } from "./crypto/format.js";
import type { EntryKeys } from "./crypto/derive.js";
import type { DataVaultError } from "./errors.js";
import type { BatchSetItem, EntriesApi } from "./http/entries-api.js";
import type { WireEntry } from "./http/wire.js";
import { batchPutConditional } from "./writes.js";

export interface MigrateProgress {
  /** Keys looked at so far, of `total`. */
  done: number;
  total: number;
}

export interface MigrateResult {
  /** Distinct keys looked at. */
  keys: number;
  /** Already format v2 under the current secret: nothing to do. */
  current: number;
  /** Format v1 under the current secret, rewritten as v2. */
  upgraded: number;
  /** Found under a previous secret and moved to the current one (the old copy removed). */
  moved: number;
  /** Under no secret given. */
  missing: number;
  /** Entries that could not be read (tampered, rolled back); left as they are. Keys are yours: never logged. */
  failed: Array<{ key: string; code: string }>;
}

/** What migrate needs from the store. */
export interface MigrateHost {
  api: EntriesApi;
  attempts: number;
  generation: string;
  deriveAll(secret: string, keys: readonly string[]): Promise<EntryKeys[]>;
  batchGet(keyHashes: readonly string[]): Promise<Array<WireEntry | null>>;
  open(keys: EntryKeys, entry: WireEntry): string;
  seal(keys: EntryKeys, version: number, value: string): string;
  /** Splits set items into requests that fit the vault's body limit. */
  chunkSets(items: BatchSetItem[]): BatchSetItem[][];
  deleteIfVersion(keyHash: string, version: number): Promise<void>;
}

/** An entry about to expire is left to expire: rewriting it could send an expiry already past (400). */
const EXPIRY_MARGIN_MS = 5_000;
function live(entry: WireEntry | null | undefined): WireEntry | null {
  if (!entry) return null;
  return entry.expiresAt !== null && Date.parse(entry.expiresAt) < Date.now() + EXPIRY_MARGIN_MS ? null : entry;
}

function codeOf(error: unknown): string {
  return (error as DataVaultError)?.code ?? "UNKNOWN";
}

export async function migrateKeys(
  host: MigrateHost,
  keys: readonly string[],
  secret: string,
  previous: readonly string[],
  batchSize: number,
  onProgress?: (progress: MigrateProgress) => void,
): Promise<MigrateResult> {
  const result: MigrateResult = { keys: keys.length, current: 0, upgraded: 0, moved: 0, missing: 0, failed: [] };
  const batchGet = (hashes: string[]) => host.batchGet(hashes);
  for (let start = 0; start < keys.length; start += batchSize) {
    const part = keys.slice(start, start + batchSize);
    const current = await host.deriveAll(secret, part);
    const found = await host.batchGet(current.map((k) => k.keyHash));

    // Under the current secret: v2 is done; v1 is rewritten as v2, in place.
    const upgrades: BatchSetItem[] = [];
    let misses: number[] = [];
    part.forEach((key, i) => {
      const entry = live(found[i]);
      if (!entry) return void misses.push(i);
      if (entry.value.startsWith(CIPHERTEXT_PREFIX_V2)) {
        try {
          host.open(current[i]!, entry); // a replayed or tampered entry is reported, not counted as done
          result.current++;
        } catch (error) {
          result.failed.push({ key, code: codeOf(error) });
        }
        return;
      }
      try {
        const value = host.open(current[i]!, entry);
        upgrades.push({ key: current[i]!.keyHash, value: host.seal(current[i]!, entry.version + 1, value), ifVersion: entry.version, generation: host.generation, expiresAt: entry.expiresAt });
      } catch (error) {
        result.failed.push({ key, code: codeOf(error) });
      }
    });
    for (const chunk of host.chunkSets(upgrades)) {
      const written = await batchPutConditional(host.api, chunk, batchGet, host.attempts);
      result.upgraded += written.size;
      // Overtaken: another writer (this SDK, so v2) got there first.
      result.current += chunk.length - written.size;
    }

    // Misses: look under each previous secret in turn.
    for (const oldSecret of previous) {
      if (misses.length === 0) break;
      const olds = await host.deriveAll(oldSecret, misses.map((i) => part[i]!));
      const oldFound = await host.batchGet(olds.map((k) => k.keyHash));
      const moves: Array<{ set: BatchSetItem; old: EntryKeys; oldVersion: number }> = [];
      const stillMissing: number[] = [];
      misses.forEach((i, j) => {
        const entry = live(oldFound[j]);
        if (!entry) return void stillMissing.push(i);
        try {
          const value = host.open(olds[j]!, entry);
          // "Only if absent" under the current secret, as a read would move it.
          moves.push({ set: { key: current[i]!.keyHash, value: host.seal(current[i]!, 1, value), ifVersion: 0, generation: host.generation, expiresAt: entry.expiresAt }, old: olds[j]!, oldVersion: entry.version });
        } catch (error) {
          result.failed.push({ key: part[i]!, code: codeOf(error) });
        }
      });
      for (const chunk of host.chunkSets(moves.map((m) => m.set))) await batchPutConditional(host.api, chunk, batchGet, host.attempts);
      // Whether ours or a concurrent writer's, the current entry exists now:
      // remove the old copy, only if it is still the version read.
      for (const m of moves) {
        await host.deleteIfVersion(m.old.keyHash, m.oldVersion);
        result.moved++;
      }
      misses = stillMissing;
    }
    result.missing += misses.length;
    onProgress?.({ done: Math.min(start + batchSize, keys.length), total: keys.length });
  }
  return result;
}
