// store.refresh(): one caller at a time runs the refresh function of an
// entry, across every process, under a lease held in the vault; the others
// wait and then use the value it wrote (docs/crypto.md, "Refresh").
import type { EntryKeys } from "./crypto/derive.js";
import { DataVaultError } from "./errors.js";
import type { EntriesApi } from "./http/entries-api.js";
import { sleep } from "./http/backoff.js";
import type { WireEntry, WireLease } from "./http/wire.js";
import { putConditional } from "./writes.js";

/** What the refresh function learns besides the current value. */
export interface RefreshInfo {
  /** The entry's version as read under the lease (0: absent). */
  version: number;
  /** Aborted when the lease is lost while the function runs (a renewal found it taken over). */
  signal: AbortSignal;
}

/** The new value, or the new value with the expiry to write with it. */
export type RefreshResult = string | { value: string; expiresAt?: Date | string | null };

export type RefreshFunction = (current: string | null, info: RefreshInfo) => RefreshResult | Promise<RefreshResult>;

/** What the store gives the refresh: its requests and its crypto, nothing else. */
export interface RefreshHost {
  api: EntriesApi;
  attempts: number;
  open(keys: EntryKeys, entry: WireEntry): string;
  seal(keys: EntryKeys, version: number, value: string): string;
  /** Validates the function's result; returns the value and the expiry to write. */
  check(result: RefreshResult): { value: string; expiresAt: string | null | undefined };
}

export interface RefreshSettings {
  leaseMs: number;
  waitMs: number;
  generation: string;
  expiresAt: string | null | undefined;
}

/**
 * Polls of a held lease start fast (a refresh usually takes one provider
 * round trip) and slow down, to at most 2 s; never faster than twice the
 * last answer took, so a busy vault is polled less, not more.
 */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 2_000;

function jitter(ms: number): number {
  return ms / 2 + Math.random() * (ms / 2);
}

export async function runRefresh(host: RefreshHost, keys: EntryKeys, fn: RefreshFunction, settings: RefreshSettings): Promise<string> {
  const deadline = Date.now() + settings.waitMs;
  // The version the entry had when this call first found the lease held:
  // once it moves, the holder has written and its value is ours too.
  let seen: number | undefined;
  let delay = FIRST_POLL_MS;
  for (;;) {
    const asked = Date.now();
    const lease = await host.api.acquireLease(keys.keyHash, { ttlMs: settings.leaseMs, ifVersion: seen });
    const roundTrip = Date.now() - asked;
    if (lease.acquired) {
      // The holder's write must reach the vault before its lease runs out, or
      // a waiter may take over and refresh with the token this holder is
      // about to spend. A vault answering slower than half the lease makes
      // that likely: give the lease back before calling the provider.
      if (roundTrip > settings.leaseMs / 2) {
        await host.api.releaseLease(keys.keyHash, lease.token).catch(() => false);
        throw new DataVaultError(
          "LEASE_TIMEOUT",
          `The vault took ${roundTrip} ms to grant the refresh lease, more than half of leaseMs (${settings.leaseMs} ms): not refreshing, to be safe. Use a longer leaseMs.`,
        );
      }
      return hold(host, keys, lease, fn, settings);
    }
    if (lease.reason === "version") {
      if (lease.entry !== null) return host.open(keys, lease.entry);
      seen = 0; // deleted meanwhile: nothing to share, refresh from nothing
      continue;
    }
    if (lease.reason !== "held") throw new DataVaultError("INVALID_RESPONSE", "Vault answered a lease request with an unexpected outcome.");
    seen ??= lease.version;
    const now = Date.now();
    if (now >= deadline) {
      throw new DataVaultError("LEASE_TIMEOUT", `Another caller held this entry's refresh lease for longer than waitMs (${settings.waitMs} ms).`);
    }
    delay = Math.min(Math.max(delay * 1.6, 2 * roundTrip), MAX_POLL_MS);
    // Never sleep far past the holder's expiry: a dead holder's lease is taken over as soon as it runs out.
    const untilExpiry = Date.parse(lease.expiresAt) - now;
    await sleep(Math.max(5, Math.min(jitter(delay), untilExpiry + 10, deadline - now)));
  }
}

async function hold(
  host: RefreshHost,
  keys: EntryKeys,
  lease: Extract<WireLease, { acquired: true }>,
  fn: RefreshFunction,
  settings: RefreshSettings,
): Promise<string> {
  const { api } = host;
  const token = lease.token;
  const controller = new AbortController();
  let lost = false;
  let inFlight = 0;
  // Renewals keep a live holder's lease; a dead holder's runs out. They go
  // out on schedule even while an earlier one waits for its answer (up to
  // two at once), so a slow vault still sees them every third of the lease.
  const timer = setInterval(() => {
    if (inFlight >= 2 || lost) return;
    inFlight++;
    api
      .acquireLease(keys.keyHash, { ttlMs: settings.leaseMs, token })
      .then((renewal) => {
        if (!renewal.acquired && !lost) {
          lost = true;
          controller.abort(new DataVaultError("LEASE_LOST", "This entry's refresh lease was taken over while the refresh function ran."));
        }
      })
      .catch(() => {}) // transient: the next tick tries again; the fenced write decides in the end
      .finally(() => {
        inFlight--;
      });
  }, Math.max(50, Math.floor(settings.leaseMs / 3)));
  timer.unref?.();
  const release = () => api.releaseLease(keys.keyHash, token).catch(() => false);

  const version = lease.entry?.version ?? 0;
  let next: { value: string; expiresAt: string | null | undefined };
  try {
    const current = lease.entry === null ? null : host.open(keys, lease.entry);
    next = host.check(await fn(current, { version, signal: controller.signal }));
  } catch (error) {
    clearInterval(timer);
    await release();
    // A function that gave up because its signal aborted: say why.
    if (lost) throw new DataVaultError("LEASE_LOST", "This entry's refresh lease was taken over while the refresh function ran.", { cause: error });
    throw error;
  }
  clearInterval(timer);
  if (lost) {
    throw new DataVaultError("LEASE_LOST", "This entry's refresh lease was taken over while the refresh function ran; its result was not written.");
  }
  const expiresAt = next.expiresAt !== undefined ? next.expiresAt : settings.expiresAt;
  try {
    await putConditional(
      api,
      keys.keyHash,
      host.seal(keys, version + 1, next.value),
      { ifVersion: version, generation: settings.generation, leaseToken: token, releaseLease: true, ...(expiresAt !== undefined && { expiresAt }) },
      host.attempts,
    );
  } catch (error) {
    // LEASE_LOST: it is someone else's now. VERSION_CONFLICT: a writer that
    // does not take part in leases wrote meanwhile; give the lease back.
    if ((error as DataVaultError).code !== "LEASE_LOST") await release();
    throw error;
  }
  return next.value;
}
