// Sign-in throttling, kept in this process's memory (behind several
// instances each counts on its own; a restart forgets). Designed so that an
// attacker is slowed but the account's owner is never locked out:
//
// - per client address and account: 5 failures in 15 minutes lock that
//   pair until the oldest failure is 15 minutes old;
// - per client address: 30 failures in 15 minutes (any accounts) lock the
//   address the same way (password spraying);
// - per account: after 10 failures in 15 minutes (from anywhere) the
//   account is "under attack": each address may then try it at most once a
//   minute. The owner's first attempt from an address that has not been
//   guessing still goes through at once.
//
// Every check runs before any database read or password hash, so refused
// attempts cost nothing. IPv6 clients count per /64 (one host usually
// holds a whole /64).
import "server-only";
import ipaddr from "ipaddr.js";
import { processSingleton } from "@/lib/singleton";

export type Limit = { max: number; windowMs: number };

const WINDOW_MS = 15 * 60_000;
export const SIGN_IN_LIMITS = {
  perPair: { max: 5, windowMs: WINDOW_MS },
  perAddress: { max: 30, windowMs: WINDOW_MS },
  perAccount: { max: 10, windowMs: WINDOW_MS },
  /** Under attack: one attempt per address and account per this long. */
  underAttackIntervalMs: 60_000,
} as const;

/** A sliding-window log: remembers the times of recent hits per key. */
export class SlidingWindowLimiter {
  readonly #hits = new Map<string, number[]>();
  constructor(
    readonly limit: Limit,
    readonly now: () => number = Date.now,
  ) {}

  #recent(key: string): number[] {
    const since = this.now() - this.limit.windowMs;
    const list = (this.#hits.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#hits.delete(key);
    else this.#hits.set(key, list);
    return list;
  }

  count(key: string): number {
    return this.#recent(key).length;
  }

  /** Seconds until the key may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const list = this.#recent(key);
    if (list.length < this.limit.max) return 0;
    return Math.max(1, Math.ceil((list[list.length - this.limit.max]! + this.limit.windowMs - this.now()) / 1000));
  }

  /** Records a hit; true when this hit reached the limit (the key is now over it). */
  hit(key: string): boolean {
    const list = this.#recent(key);
    list.push(this.now());
    // Only the last `max` hits decide anything.
    if (list.length > this.limit.max) list.splice(0, list.length - this.limit.max);
    this.#hits.set(key, list);
    if (this.#hits.size > 100_000) this.#prune();
    return list.length === this.limit.max;
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }

  #prune(): void {
    for (const key of [...this.#hits.keys()]) this.#recent(key);
  }
}

/** The rate-limit key of a client address: IPv6 by /64, IPv4 and "unknown" as they are. */
export function addressKey(address: string): string {
  if (!ipaddr.isValid(address)) return address;
  const parsed = ipaddr.process(address);
  if (parsed.kind() === "ipv4") return parsed.toString();
  const parts = (parsed as ipaddr.IPv6).parts.slice(0, 4);
  return `${parts.map((p) => p.toString(16)).join(":")}::/64`;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; reason: "address" | "pair" | "account" };
export type Lockout = { scope: "address" | "pair"; retryAfterSeconds: number } | null;

export class SignInThrottle {
  readonly pair: SlidingWindowLimiter;
  readonly address: SlidingWindowLimiter;
  readonly account: SlidingWindowLimiter;
  readonly #lastTry = new Map<string, number>();

  constructor(readonly now: () => number = Date.now) {
    this.pair = new SlidingWindowLimiter(SIGN_IN_LIMITS.perPair, now);
    this.address = new SlidingWindowLimiter(SIGN_IN_LIMITS.perAddress, now);
    this.account = new SlidingWindowLimiter(SIGN_IN_LIMITS.perAccount, now);
  }

  /** May this address try this account now? Counts nothing. */
  check(account: string, address: string): ThrottleVerdict {
    const a = addressKey(address);
    const byAddress = this.address.retryAfterSeconds(a);
    if (byAddress > 0) return { allowed: false, retryAfterSeconds: byAddress, reason: "address" };
    const byPair = this.pair.retryAfterSeconds(`${account}\n${a}`);
    if (byPair > 0) return { allowed: false, retryAfterSeconds: byPair, reason: "pair" };
    if (this.account.count(account) >= SIGN_IN_LIMITS.perAccount.max) {
      const last = this.#lastTry.get(`${account}\n${a}`);
      const wait = last === undefined ? 0 : last + SIGN_IN_LIMITS.underAttackIntervalMs - this.now();
      if (wait > 0) return { allowed: false, retryAfterSeconds: Math.ceil(wait / 1000), reason: "account" };
    }
    return { allowed: true };
  }

  /** Notes that an attempt (right or wrong) is being made; for the once-a-minute rule. */
  attempt(account: string, address: string): void {
    this.#lastTry.set(`${account}\n${addressKey(address)}`, this.now());
    if (this.#lastTry.size > 100_000) {
      const since = this.now() - SIGN_IN_LIMITS.underAttackIntervalMs;
      for (const [k, t] of this.#lastTry) if (t <= since) this.#lastTry.delete(k);
    }
  }

  /** A wrong password. Returns the lockout it started, if any (to record once). */
  failure(account: string, address: string): Lockout {
    const a = addressKey(address);
    this.account.hit(account);
    const pairLocked = this.pair.hit(`${account}\n${a}`);
    const addressLocked = this.address.hit(a);
    if (addressLocked) return { scope: "address", retryAfterSeconds: this.address.retryAfterSeconds(a) };
    if (pairLocked) return { scope: "pair", retryAfterSeconds: this.pair.retryAfterSeconds(`${account}\n${a}`) };
    return null;
  }

  /** The right password: this address's failures on this account are forgiven. */
  success(account: string, address: string): void {
    this.pair.reset(`${account}\n${addressKey(address)}`);
  }

  /** Recent failures of this address on this account: orders the verification queue. */
  failuresOf(account: string, address: string): number {
    return this.pair.count(`${account}\n${addressKey(address)}`);
  }
}

export function signInThrottle(): SignInThrottle {
  return processSingleton("signInThrottle", () => new SignInThrottle());
}

/**
 * Public forms that create something (sign-up, invitation and setup links):
 * per client address, counted on every attempt.
 */
export const FORM_LIMIT: Limit = { max: 20, windowMs: WINDOW_MS };

export function formLimiter(): SlidingWindowLimiter {
  return processSingleton("publicFormLimiter", () => new SlidingWindowLimiter(FORM_LIMIT));
}

/** Counts one public-form attempt; the wait in seconds when over the limit (then not counted). */
export function takeFormAttempt(form: string, address: string): number {
  const limiter = formLimiter();
  const key = `${form}\n${addressKey(address)}`;
  const wait = limiter.retryAfterSeconds(key);
  if (wait > 0) return wait;
  limiter.hit(key);
  return 0;
}
