// Steps a migration runs in code, inside the same transaction as its SQL,
// for changes SQL alone cannot make. If a step fails, its migration rolls
// back and is tried again at the next start.
//
// 0002: server-key hashes become keyed by the root key. Existing rows hold
// hex(SHA-256(token)); the step turns each into the keyed form from that
// digest (docs/formats.md), so nobody has to re-issue a key. It runs exactly
// once, with the migration: a legacy-format row written into the database
// later is never converted, so it authenticates nothing.
import type Database from "better-sqlite3";
import type pg from "pg";
import { existingRootKey } from "../vault/root-key";
import { rootKeyId } from "../vault/root-key-id";
import { deriveTokenHashKeys, LEGACY_TOKEN_HASH, storedForm } from "../server-keys/token-hash-format";
import { ConfigError } from "./database-url";

export type MigrationStep = {
  sqlite(db: Database.Database): void;
  postgres(client: pg.Client): Promise<void>;
};

type LegacyRow = { id: string; tokenHash: string };

/** The root key, checked against the keyring it must open. */
function rootKeyFor(keyringIds: string[]): Buffer {
  const root = existingRootKey();
  if (!root) {
    throw new ConfigError("migration 0002 re-keys the server-key hashes and needs the root key: set VAULT_ROOT_KEY (or restore $DATA_DIR/root.key)");
  }
  if (keyringIds.length > 0 && !keyringIds.includes(rootKeyId(root))) {
    throw new ConfigError("migration 0002: the root key does not match the keyring (is VAULT_ROOT_KEY right?); nothing was changed");
  }
  return root;
}

function rekeyed(rows: LegacyRow[], keyringIds: string[]): { id: string; tokenHash: string; tokenDigest: Buffer }[] {
  const legacy = rows.filter((r) => LEGACY_TOKEN_HASH.test(r.tokenHash));
  if (legacy.length === 0) return [];
  const keys = deriveTokenHashKeys(rootKeyFor(keyringIds));
  return legacy.map((r) => ({ id: r.id, ...storedForm(keys, Buffer.from(r.tokenHash, "hex")) }));
}

const rekeyServerKeyHashes: MigrationStep = {
  sqlite(db) {
    const rows = db.prepare(`SELECT "id", "tokenHash" FROM "ServerKey"`).all() as LegacyRow[];
    const ids = (db.prepare(`SELECT DISTINCT "rootKeyId" FROM "MasterKey"`).all() as { rootKeyId: string }[]).map((r) => r.rootKeyId);
    const update = db.prepare(`UPDATE "ServerKey" SET "tokenHash" = ?, "tokenDigest" = ? WHERE "id" = ?`);
    for (const r of rekeyed(rows, ids)) update.run(r.tokenHash, r.tokenDigest, r.id);
  },
  async postgres(client) {
    const { rows } = await client.query<LegacyRow>(`SELECT "id", "tokenHash" FROM "ServerKey"`);
    const ids = (await client.query<{ rootKeyId: string }>(`SELECT DISTINCT "rootKeyId" FROM "MasterKey"`)).rows.map((r) => r.rootKeyId);
    for (const r of rekeyed(rows, ids)) {
      await client.query(`UPDATE "ServerKey" SET "tokenHash" = $1, "tokenDigest" = $2 WHERE "id" = $3`, [r.tokenHash, r.tokenDigest, r.id]);
    }
  },
};

export const MIGRATION_STEPS: Record<string, MigrationStep> = {
  "0002_rewrap_quarantine_keyed_key_hashes": rekeyServerKeyHashes,
};
