import "server-only";
// Server-key hashes keyed by the root key (token-hash-format.ts has the
// format): what to store for a new token, what to look a presented one up
// by, and the re-keying a root-key rotation does. Legacy rows (hex SHA-256)
// are converted once, by migration 0002 (lib/db/migration-steps.ts), never
// at run time: a legacy-format row written later authenticates nothing and
// is never blessed with the root key.
import { timingSafeEqual } from "node:crypto";
import type { Tx } from "../db/client";
import { log } from "../log";
import { processSingleton } from "../singleton";
import type { Blob } from "../vault/envelope";
import { IntegrityError } from "../vault/errors";
import { getRootKey } from "../vault/root-key";
import { deriveTokenHashKeys, keyedTokenHash, openTokenDigest, storedForm, tokenDigest, TOKEN_HASH_PREFIX, type TokenHashKeys } from "./token-hash-format";

/** A row that could not be re-keyed: its hash matches no token. */
const DISABLED_PREFIX = "disabled:";

/** The keys of this process's root key (derived once). */
function keys(): TokenHashKeys {
  return processSingleton("tokenHashKeys", () => deriveTokenHashKeys(getRootKey()));
}

/** What to store for a new token. */
export function hashNewToken(token: string): { tokenHash: string; tokenDigest: Blob } {
  const stored = storedForm(keys(), tokenDigest(token));
  return { tokenHash: stored.tokenHash, tokenDigest: stored.tokenDigest as Blob };
}

/** What a presented token is looked up by. */
export function hashToken(token: string): string {
  return keyedTokenHash(keys().hashKey, tokenDigest(token));
}

type KeyRow = { id: string; tokenHash: string; tokenDigest: Uint8Array | null };

/** The SHA-256 of a stored key's token, from its sealed digest, checked against its tokenHash. */
function recoverDigest(row: KeyRow, from: TokenHashKeys): Buffer {
  if (!row.tokenHash.startsWith(TOKEN_HASH_PREFIX) || !row.tokenDigest) throw new IntegrityError("server-key hash: not in the keyed format");
  const digest = openTokenDigest(from.digestKey, Buffer.from(row.tokenDigest), row.tokenHash);
  if (!timingSafeEqual(Buffer.from(keyedTokenHash(from.hashKey, digest)), Buffer.from(row.tokenHash))) {
    throw new IntegrityError("server-key hash: does not match its digest");
  }
  return digest;
}

export type RekeyResult = { rekeyed: number; disabled: number };

/**
 * Re-keys every server key from one root key's keys to another's, inside the
 * caller's transaction (a root-key rotation). A row whose digest does not
 * open or match (tampered, or written without the root key) cannot be
 * re-keyed: it is revoked and given a hash that matches no token, and counted.
 */
export async function rekeyServerKeys(tx: Tx, oldRoot: Buffer, newRoot: Buffer): Promise<RekeyResult> {
  const from = deriveTokenHashKeys(oldRoot);
  const to = deriveTokenHashKeys(newRoot);
  const rows = await tx.serverKey.findMany({ select: { id: true, tokenHash: true, tokenDigest: true } });
  const result: RekeyResult = { rekeyed: 0, disabled: 0 };
  for (const row of rows) {
    if (row.tokenHash.startsWith(DISABLED_PREFIX)) continue;
    let digest: Buffer;
    try {
      digest = recoverDigest(row, from);
    } catch (error) {
      if (!(error instanceof IntegrityError)) throw error;
      await tx.serverKey.update({ where: { id: row.id }, data: { tokenHash: `${DISABLED_PREFIX}${row.id}`, tokenDigest: null, revokedAt: new Date() } });
      result.disabled++;
      continue;
    }
    const stored = storedForm(to, digest);
    await tx.serverKey.update({ where: { id: row.id }, data: { tokenHash: stored.tokenHash, tokenDigest: stored.tokenDigest as Blob } });
    result.rekeyed++;
  }
  if (result.disabled > 0) {
    log.error("server keys whose stored hash failed its integrity check were revoked", { count: result.disabled });
  }
  return result;
}
