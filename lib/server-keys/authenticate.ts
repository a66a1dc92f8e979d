import "server-only";
// Resolves "Authorization: Bearer <server key>" to a key's grants. Keys are
// cached per instance for VAULT_KEY_CACHE_SECONDS, which bounds how long a
// revoked key keeps working on other instances. lastUsedAt is kept in
// memory and flushed by the job runner: no database write per request.
import { getConfig } from "../config";
import { getDb } from "../db/client";
import { processSingleton } from "../singleton";
import { VaultError } from "../vault/errors";
import { hashToken, TOKEN_PATTERN } from "./token";
import { parseScope } from "./service";

export type ServerKeyGrant = {
  keyId: string;
  projectId: string;
  stores: ReadonlySet<string> | null;
  readOnly: boolean;
};

type CacheEntry = { grant: ServerKeyGrant | null; at: number };
type AuthState = { cache: Map<string, CacheEntry>; lastUsed: Map<string, number> };

const MAX_CACHED = 10_000;
const auth = () => processSingleton<AuthState>("auth", () => ({ cache: new Map(), lastUsed: new Map() }));

const unauthenticated = (why: string) => new VaultError("UNAUTHENTICATED", why);

export async function authenticate(header: string | null): Promise<ServerKeyGrant> {
  if (!header) throw unauthenticated("missing Authorization header (Bearer <server key>)");
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (!match) throw unauthenticated("malformed Authorization header (expected Bearer <server key>)");
  const token = match[1]!;
  if (!TOKEN_PATTERN.test(token)) throw unauthenticated("malformed server key");
  const tokenHash = hashToken(token);
  const { cache, lastUsed } = auth();
  const ttl = getConfig().VAULT_KEY_CACHE_SECONDS * 1000;
  let entry = cache.get(tokenHash);
  if (!entry || Date.now() - entry.at >= ttl) {
    const row = await getDb().serverKey.findUnique({ where: { tokenHash } });
    const grant =
      row && !row.revokedAt
        ? {
            keyId: row.id,
            projectId: row.projectId,
            stores: row.storeScope === null ? null : new Set(parseScope(row.storeScope)),
            readOnly: row.readOnly,
          }
        : null;
    entry = { grant, at: Date.now() };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(tokenHash, entry);
  }
  if (!entry.grant) throw unauthenticated("unknown or revoked server key");
  lastUsed.set(entry.grant.keyId, Date.now());
  return entry.grant;
}

export function authorize(grant: ServerKeyGrant, storeId: string, access: "read" | "write"): void {
  if (grant.stores && !grant.stores.has(storeId)) {
    throw new VaultError("FORBIDDEN", "this server key is not allowed on this store");
  }
  if (access === "write" && grant.readOnly) {
    throw new VaultError("FORBIDDEN", "this server key is read-only");
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
