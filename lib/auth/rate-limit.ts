// Sign-in attempt limits, kept in this process's memory: per email (slows
// password guessing against one account) and per client IP (slows spraying
// across accounts). Behind several instances each counts on its own, so the
// effective limit is the per-instance limit times the instance count; a
// restart forgets the counts.
import "server-only";
import { processSingleton } from "@/lib/singleton";

export type Limit = { max: number; windowMs: number };

export const SIGN_IN_LIMITS = {
  perEmail: { max: 10, windowMs: 15 * 60_000 },
  perIp: { max: 50, windowMs: 15 * 60_000 },
} satisfies Record<string, Limit>;

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

  /** Seconds until the key may try again, or 0 when it may now. */
  retryAfterSeconds(key: string): number {
    const list = this.#recent(key);
    if (list.length < this.limit.max) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.limit.windowMs - this.now()) / 1000));
  }

  hit(key: string): void {
    const list = this.#recent(key);
    list.push(this.now());
    this.#hits.set(key, list);
    if (this.#hits.size > 100_000) this.#prune();
  }

  reset(key: string): void {
    this.#hits.delete(key);
  }

  #prune(): void {
    for (const key of [...this.#hits.keys()]) this.#recent(key);
  }
}

const limiters = () =>
  processSingleton("signInLimiters", () => ({
    email: new SlidingWindowLimiter(SIGN_IN_LIMITS.perEmail),
    ip: new SlidingWindowLimiter(SIGN_IN_LIMITS.perIp),
  }));

/** Counts one attempt; returns the wait in seconds when over a limit (the attempt is then not counted). */
export function takeSignInAttempt(email: string, ip: string | null): number {
  const { email: byEmail, ip: byIp } = limiters();
  const wait = Math.max(byEmail.retryAfterSeconds(email), ip ? byIp.retryAfterSeconds(ip) : 0);
  if (wait > 0) return wait;
  byEmail.hit(email);
  if (ip) byIp.hit(ip);
  return 0;
}

/** A successful sign-in clears the account's counter (not the IP's). */
export function clearSignInAttempts(email: string): void {
  limiters().email.reset(email);
}

export function clientIp(headers: Record<string, string | string[] | undefined> | Headers | undefined): string | null {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const forwarded = get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || get("x-real-ip")?.trim() || null;
}
