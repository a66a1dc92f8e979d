import "server-only";
// Resolves "Authorization: Bearer <server key>" to a key's grants. Keys are
// cached per instance for VAULT_KEY_CACHE_SECONDS, which bounds how long a
// revoked key keeps working on other instances. lastUsedAt is kept in
// memory and flushed by the job runner: no database write per request.
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { processSingleton } from "../singleton";
import { VaultError } from "../vault/errors";
import { takeUnauthenticated } from "../api/rate-limit";
import { TOKEN_PATTERN } from "./token";
import { hashToken } from "./hash";
import { parseScope } from "./service";

export type ServerKeyGrant = {
  keyId: string;
  projectId: string;
  stores: ReadonlySet<string> | null;
  readOnly: boolean;
  /** May read entries' access logs. */
  audit: boolean;
};

type CacheEntry = { grant: ServerKeyGrant | null; at: number };
type AuthState = { cache: Map<string, CacheEntry>; lastUsed: Map<string, number> };

const MAX_CACHED = 10_000;
const auth = () => processSingleton<AuthState>("auth", () => ({ cache: new Map(), lastUsed: new Map() }));

const unauthenticated = (why: string) => new VaultError("UNAUTHENTICATED", why);

/**
 * The grant of a bearer token. `address` is the client's (for the
 * unauthenticated throttle): a token this instance has not seen valid costs
 * a database lookup, so it draws on the address's budget first and is
 * refused with 429 once that is spent, before any database work.
 */
export async function authenticate(header: string | null, address = "unknown"): Promise<ServerKeyGrant> {
  if (!header) return refuse(address, "missing Authorization header (Bearer <server key>)");
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match) return refuse(address, "malformed Authorization header (expected Bearer <server key>)");
  const token = match[1]!;
  if (!TOKEN_PATTERN.test(token)) return refuse(address, "malformed server key");
  const tokenHash = hashToken(token);
  const { cache, lastUsed } = auth();
  const ttl = getConfig().VAULT_KEY_CACHE_SECONDS * 1000;
  let entry = cache.get(tokenHash);
  if (!entry || Date.now() - entry.at >= ttl) {
    // Re-checking a key that was valid is not charged; anything else is.
    if (!entry?.grant) takeUnauthenticated(address);
    const row = await getDb().serverKey.findUnique({ where: { tokenHash } });
    const grant =
      row && !row.revokedAt
        ? {
            keyId: row.id,
            projectId: row.projectId,
            stores: row.storeScope === null ? null : new Set(parseScope(row.storeScope)),
            readOnly: row.readOnly,
            audit: row.audit,
          }
        : null;
    entry = { grant, at: Date.now() };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(tokenHash, entry);
  } else if (!entry.grant) {
    takeUnauthenticated(address);
  }
  if (!entry.grant) throw unauthenticated("unknown or revoked server key");
  lastUsed.set(entry.grant.keyId, Date.now());
  return entry.grant;
}

function refuse(address: string, why: string): never {
  takeUnauthenticated(address);
  throw unauthenticated(why);
}

export function authorize(grant: ServerKeyGrant, storeId: string, access: "read" | "write" | "audit"): void {
  if (grant.stores && !grant.stores.has(storeId)) {
    throw new VaultError("FORBIDDEN", "this server key is not allowed on this store");
  }
  if (access === "write" && grant.readOnly) {
    throw new VaultError("FORBIDDEN", "this server key is read-only");
  }
  if (access === "audit" && !grant.audit) {
    throw new VaultError("FORBIDDEN", "this server key does not have the audit permission");
  }
}

export function forgetCachedKey(tokenHash: string): void {
  auth().cache.delete(tokenHash);
}

export async function flushLastUsed(): Promise<void> {
  const { lastUsed } = auth();
  const items = [...lastUsed];
  lastUsed.clear();
  for (const [id, ms] of items) {
    const at = new Date(ms);
    await getDb().serverKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: at } }] }, data: { lastUsedAt: at } });
  }
}
