// What a backup gives to someone holding a root key: the check behind the
// "leaked root key" procedure (docs/operations.md). A backup is taken as the
// rows that matter (master keys, entries with their project, server keys);
// an attacker's reach is everything the given root key (and master keys it
// opened from an older backup) can open in it.
import { getDb } from "@/lib/db/client";
import { decryptValue, unwrapDataKey, unwrapMasterKey } from "@/lib/vault/envelope";
import { rootKeyId } from "@/lib/vault/root-key-id";
import { deriveTokenHashKeys, keyedTokenHash, openTokenDigest, tokenDigest } from "@/lib/server-keys/token-hash-format";

export type Backup = {
  masterKeys: { version: number; state: string; rootKeyId: string; wrappedKey: Buffer }[];
  entries: { projectId: string; storeRef: string; keyHash: string; version: number; masterKeyVersion: number; wrappedKey: Buffer; ciphertext: Buffer }[];
  serverKeys: { id: string; tokenHash: string; tokenDigest: Buffer | null }[];
};

export async function takeBackup(): Promise<Backup> {
  const db = getDb();
  const [masterKeys, entries, serverKeys] = await Promise.all([
    db.masterKey.findMany({ orderBy: { version: "asc" } }),
    db.entry.findMany({ include: { store: { select: { projectId: true } } } }),
    db.serverKey.findMany({ select: { id: true, tokenHash: true, tokenDigest: true } }),
  ]);
  return {
    masterKeys: masterKeys.map((k) => ({ version: k.version, state: k.state, rootKeyId: k.rootKeyId, wrappedKey: Buffer.from(k.wrappedKey) })),
    entries: entries.map((e) => ({
      projectId: e.store.projectId,
      storeRef: e.storeRef,
      keyHash: e.keyHash,
      version: e.version,
      masterKeyVersion: e.masterKeyVersion,
      wrappedKey: Buffer.from(e.wrappedKey),
      ciphertext: Buffer.from(e.ciphertext),
    })),
    serverKeys: serverKeys.map((k) => ({ id: k.id, tokenHash: k.tokenHash, tokenDigest: k.tokenDigest ? Buffer.from(k.tokenDigest) : null })),
  };
}

const attempt = <T>(f: () => T): T | null => {
  try {
    return f();
  } catch {
    return null;
  }
};

/** The master keys a root key opens in a backup. */
export function openMasterKeys(backup: Backup, root: Buffer): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  for (const k of backup.masterKeys) {
    const key = attempt(() => unwrapMasterKey(root, k.version, k.wrappedKey));
    if (key) out.set(k.version, key);
  }
  return out;
}

export type Reach = {
  /** Master-key rows wrapped by this root key (by fingerprint). */
  masterKeysUnderRoot: number;
  masterKeysOpened: number;
  dataKeysOpened: number;
  valuesOpened: number;
  /** Known tokens whose stored hash the root key's hash key reproduces. */
  tokenHashesReproduced: number;
  tokenDigestsOpened: number;
};

/**
 * Everything `root` opens in `backup`, also trying every master key the
 * attacker already holds (opened from an older backup with the same root key).
 */
export function reach(backup: Backup, root: Buffer, known: { masterKeys?: Map<number, Buffer>; tokens?: string[] } = {}): Reach {
  const opened = openMasterKeys(backup, root);
  const candidates = [...opened, ...(known.masterKeys ?? new Map())];
  let dataKeysOpened = 0;
  let valuesOpened = 0;
  for (const e of backup.entries) {
    const id = { projectId: e.projectId, storeRef: e.storeRef, keyHash: e.keyHash, version: e.version };
    for (const [, mk] of candidates) {
      const dataKey = attempt(() => unwrapDataKey(mk, e.wrappedKey, id));
      if (!dataKey) continue;
      dataKeysOpened++;
      if (attempt(() => decryptValue(dataKey, e.ciphertext, id)) !== null) valuesOpened++;
      break;
    }
  }
  const keys = deriveTokenHashKeys(root);
  const stored = new Set(backup.serverKeys.map((k) => k.tokenHash));
  return {
    masterKeysUnderRoot: backup.masterKeys.filter((k) => k.rootKeyId === rootKeyId(root)).length,
    masterKeysOpened: opened.size,
    dataKeysOpened,
    valuesOpened,
    tokenHashesReproduced: (known.tokens ?? []).filter((t) => stored.has(keyedTokenHash(keys.hashKey, tokenDigest(t)))).length,
    tokenDigestsOpened: backup.serverKeys.filter((k) => k.tokenDigest && attempt(() => openTokenDigest(keys.digestKey, k.tokenDigest!, k.tokenHash))).length,
  };
}

export const NOTHING: Reach = { masterKeysUnderRoot: 0, masterKeysOpened: 0, dataKeysOpened: 0, valuesOpened: 0, tokenHashesReproduced: 0, tokenDigestsOpened: 0 };
