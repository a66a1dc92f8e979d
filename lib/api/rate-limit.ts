import "server-only";
// Token bucket per server key, per instance (VAULT_RATE_LIMIT_PER_SECOND,
// VAULT_RATE_LIMIT_BURST). With N instances behind a balancer a key may get
// up to N times the rate; docs/operations.md says so.
import { getConfig } from "../config";
import { processSingleton } from "../singleton";
import { VaultError } from "../vault/errors";

type Bucket = { tokens: number; at: number };
const buckets = () => processSingleton("rateLimit", () => new Map<string, Bucket>());

export function takeToken(keyId: string, now = Date.now()): void {
  const { VAULT_RATE_LIMIT_PER_SECOND: rate, VAULT_RATE_LIMIT_BURST: burst } = getConfig();
  if (rate === 0) return;
  const map = buckets();
  const b = map.get(keyId) ?? { tokens: burst, at: now };
  b.tokens = Math.min(burst, b.tokens + ((now - b.at) / 1000) * rate);
  b.at = now;
  map.set(keyId, b);
  if (b.tokens < 1) {
    const retryAfter = Math.max(1, Math.ceil((1 - b.tokens) / rate));
    throw new VaultError("RATE_LIMITED", "too many requests for this server key; retry later", undefined, retryAfter);
  }
  b.tokens -= 1;
}
