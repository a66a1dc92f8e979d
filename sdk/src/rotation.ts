import type { EntryKeys } from "./crypto/derive.js";
import type { DataVaultError } from "./errors.js";
import type { EntriesApi } from "./http/entries-api.js";
import type { WireEntry } from "./http/wire.js";

export type MigrationOutcome =
  /** Our write won: the value now lives under the current secret. */
  | { kind: "migrated"; version: number }
  /** Another reader or writer got there first: re-read the current entry. */
  | { kind: "superseded" }
  /** The write failed (read-only key, outage): the old entry is kept. */
  | { kind: "kept-old" };

/**
 * Moves an entry found under an old secret to the current one.
 *
 * The write uses ifVersion 0 ("only if absent"). When two readers race,
 * exactly one write succeeds; the other gets VERSION_CONFLICT, which means
 * the current entry exists, so that reader uses it instead of overwriting
 * it (it may even be a newer value set under the new secret meanwhile).
 * The old entry is removed only after the new one exists, so a crash in
 * between leaves a stale copy, never a lost value; and only if it is still
 * the version we read (DELETE ?ifVersion), so a write made meanwhile under
 * the old secret (an instance not yet rolled over) is not destroyed. Failures here never
 * fail the read: the caller still has the value, and the next read under
 * the old entry tries the migration again.
 */
export async function migrateEntry(
  api: EntriesApi,
  current: EntryKeys,
  old: EntryKeys,
  oldEntry: WireEntry,
  /** The value sealed under the current keys for version 1 (the write is "only if absent"). */
  ciphertext: string,
  generation: string,
  report: (error: unknown) => void,
): Promise<MigrationOutcome> {
  let outcome: MigrationOutcome;
  try {
    const { version } = await api.put(current.keyHash, ciphertext, { ifVersion: 0, expiresAt: oldEntry.expiresAt, generation });
    outcome = { kind: "migrated", version };
  } catch (error) {
    if ((error as DataVaultError).code !== "VERSION_CONFLICT") {
      report(error);
      return { kind: "kept-old" };
    }
    outcome = { kind: "superseded" };
  }
  try {
    // The loser of a race deletes too; the second DELETE finds nothing.
    await api.delete(old.keyHash, oldEntry.version);
  } catch (error) {
    report(error);
  }
  return outcome;
}
