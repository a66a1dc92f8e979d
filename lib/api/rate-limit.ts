import "server-only";
// Token buckets, per instance: one per server key (VAULT_RATE_LIMIT_PER_SECOND,
// VAULT_RATE_LIMIT_BURST), and one per client address for requests whose
// server key is not known to be valid (VAULT_UNAUTH_RATE_PER_SECOND,
// VAULT_UNAUTH_BURST): a flood of made-up tokens is refused before it costs
// a database lookup. With N instances behind a balancer a client may get up
// to N times the rate; docs/operations.md says so.
import { getConfig } from "../config";
import { processSingleton } from "../singleton";
import { VaultError } from "../vault/errors";
import { countRateLimited } from "../metrics/metrics";

type Bucket = { tokens: number; at: number };

/** At most this many buckets per kind; the least recently used go first. */
const MAX_BUCKETS = 50_000;

const buckets = (kind: string) => processSingleton(`rateLimit:${kind}`, () => new Map<string, Bucket>());

/** Seconds until a token is back, or 0 when one was taken now. */
function take(kind: string, id: string, rate: number, burst: number, cost: number, now: number): number {
  if (rate === 0) return 0;
  const map = buckets(kind);
  let b = map.get(id);
  if (b) {
    map.delete(id); // re-inserted below: Map order is the recency order
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
    b.at = now;
  } else {
    b = { tokens: burst, at: now };
    if (map.size >= MAX_BUCKETS) map.delete(map.keys().next().value!);
  }
  map.set(id, b);
  if (b.tokens < cost) return Math.max(1, Math.ceil((cost - b.tokens) / rate));
  b.tokens -= cost;
  return 0;
}

export function takeToken(keyId: string, now = Date.now()): void {
  const { VAULT_RATE_LIMIT_PER_SECOND: rate, VAULT_RATE_LIMIT_BURST: burst } = getConfig();
  const wait = take("key", keyId, rate, burst, 1, now);
  if (wait > 0) {
    countRateLimited("server_key");
    throw new VaultError("RATE_LIMITED", "too many requests for this server key; retry later", undefined, wait);
  }
}

/**
 * Before a database lookup for a server key this instance does not know to
 * be valid: refuses with 429 once the client address has used its budget.
 */
export function takeUnauthenticated(address: string, now = Date.now()): void {
  const { VAULT_UNAUTH_RATE_PER_SECOND: rate, VAULT_UNAUTH_BURST: burst } = getConfig();
  const wait = take("unauth", address, rate, burst, 1, now);
  if (wait > 0) {
    countRateLimited("client_address");
    const error = new VaultError("RATE_LIMITED", "too many requests with unknown server keys from this address; retry later", undefined, wait);
    // The refusal is held for a second: a flood then sends one request per
    // connection per second instead of as many as the server can refuse.
    error.delayMs = 1000;
    throw error;
  }
}
