import "server-only";
// The master-key keyring: versions in the database, each wrapped by the
// root key; decrypted keys cached in this process. One version is primary
// (wraps new data keys); older ones stay active until the rewrap job has
// moved every data key off them, then they are retired.
import { getDb } from "../db/client";
import { withTransaction, isUniqueViolation } from "../db/tx";
import { getConfig } from "../config";
import { log } from "../log";
import { processSingleton } from "../singleton";
import { newKey, rootKeyId, unwrapMasterKey, wrapMasterKey } from "./envelope";
import { IntegrityError, VaultError } from "./errors";
import { getRootKey } from "./root-key";
import { recordAuditEvent } from "../audit/record";
import { CLI_ACTOR, type Actor } from "../audit/actor";
import { rekeyServerKeys } from "../server-keys/hash";

import { PRIMARY_REFRESH_MS } from "./timing";

export { PRIMARY_REFRESH_MS } from "./timing";

type KeyringState = {
  keys: Map<number, Buffer>;
  primary: { version: number; key: Buffer; checkedAt: number } | null;
  pendingWraps: Map<number, number>;
};

const state = () =>
  processSingleton<KeyringState>("keyring", () => ({ keys: new Map(), primary: null, pendingWraps: new Map() }));

async function loadKey(version: number): Promise<Buffer> {
  const cached = state().keys.get(version);
  if (cached) return cached;
  const row = await getDb().masterKey.findUnique({ where: { version } });
  if (!row) throw new IntegrityError(`master key version ${version} does not exist`);
  const root = getRootKey();
  if (row.rootKeyId !== rootKeyId(root)) {
    throw new IntegrityError(`master key version ${version} is wrapped by another root key (is VAULT_ROOT_KEY right?)`);
  }
  const key = unwrapMasterKey(root, version, Buffer.from(row.wrappedKey));
  state().keys.set(version, key);
  return key;
}

export function getMasterKey(version: number): Promise<Buffer> {
  return loadKey(version);
}

export async function getPrimaryKey(): Promise<{ version: number; key: Buffer }> {
  const s = state();
  if (s.primary && Date.now() - s.primary.checkedAt < PRIMARY_REFRESH_MS) return s.primary;
  const row = await getDb().masterKey.findFirst({ where: { state: "primary" }, select: { version: true } });
  if (!row) {
    await ensureKeyring();
    return getPrimaryKey();
  }
  s.primary = { version: row.version, key: await loadKey(row.version), checkedAt: Date.now() };
  return s.primary;
}

/** Counts a wrap under a version; flushed to the database by the job runner. */
export function recordWraps(version: number, n = 1): void {
  const p = state().pendingWraps;
  p.set(version, (p.get(version) ?? 0) + n);
}

export async function flushWrapCounts(): Promise<void> {
  const p = state().pendingWraps;
  for (const [version, n] of [...p]) {
    p.delete(version);
    await getDb()
      .masterKey.update({ where: { version }, data: { wrapCount: { increment: n } } })
      .catch(() => p.set(version, (p.get(version) ?? 0) + n));
  }
}

/** Creates version 1 when the keyring is empty; safe when instances race. */
export async function ensureKeyring(): Promise<void> {
  const db = getDb();
  if (await db.masterKey.findFirst({ select: { version: true } })) {
    // Fail at start, not at the first request, when the root key is wrong.
    const primary = await db.masterKey.findFirst({ where: { state: "primary" }, select: { version: true } });
    if (primary) await loadKey(primary.version);
    return;
  }
  const root = getRootKey();
  try {
    await db.masterKey.create({
      data: { version: 1, state: "primary", wrappedKey: wrapMasterKey(root, 1, newKey()), rootKeyId: rootKeyId(root) },
    });
    log.info("created master key", { version: 1 });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

export async function rotateMasterKey(actor: Actor, reason = "manual"): Promise<{ version: number }> {
  const root = getRootKey();
  const version = await withTransaction(async (tx) => {
    // An instance still on an old root key (after a root-key rotation) must
    // not add a version the others cannot unwrap.
    const primary = await tx.masterKey.findFirst({ where: { state: "primary" }, select: { rootKeyId: true } });
    if (primary && primary.rootKeyId !== rootKeyId(root)) {
      throw new VaultError("CONFLICT", "this instance's root key is not the keyring's; restart it with the current VAULT_ROOT_KEY");
    }
    const top = await tx.masterKey.findFirst({ orderBy: { version: "desc" }, select: { version: true } });
    const next = (top?.version ?? 0) + 1;
    await tx.masterKey.updateMany({ where: { state: "primary" }, data: { state: "active" } });
    await tx.masterKey.create({
      data: { version: next, state: "primary", wrappedKey: wrapMasterKey(root, next, newKey()), rootKeyId: rootKeyId(root) },
    });
    await recordAuditEvent({ action: "master_key.rotate", actor, target: `v${next}` }, { tx });
    return next;
  });
  state().primary = null;
  log.info("rotated master key", { version, reason });
  return { version };
}

export type MasterKeyView = {
  version: number;
  state: "primary" | "active" | "retired";
  createdAt: string;
  retiredAt: string | null;
  entryCount: number;
  wrapCount: number;
};

export async function listMasterKeys(): Promise<MasterKeyView[]> {
  const db = getDb();
  const [rows, counts] = await Promise.all([
    db.masterKey.findMany({ orderBy: { version: "desc" } }),
    db.entry.groupBy({ by: ["masterKeyVersion"], _count: { _all: true } }),
  ]);
  const byVersion = new Map(counts.map((c) => [c.masterKeyVersion, c._count._all]));
  return rows.map((r) => ({
    version: r.version,
    state: r.state as MasterKeyView["state"],
    createdAt: r.createdAt.toISOString(),
    retiredAt: r.retiredAt?.toISOString() ?? null,
    entryCount: byVersion.get(r.version) ?? 0,
    wrapCount: r.wrapCount + (state().pendingWraps.get(r.version) ?? 0),
  }));
}

export function getRotationPolicy(): { maxAgeDays: number; maxWraps: number } {
  const c = getConfig();
  return { maxAgeDays: c.VAULT_ROTATE_AFTER_DAYS, maxWraps: c.VAULT_ROTATE_AFTER_WRAPS };
}

/** Why the primary should be rotated now by policy, or null. */
export async function rotationDue(now = new Date()): Promise<string | null> {
  const { maxAgeDays, maxWraps } = getRotationPolicy();
  const primary = await getDb().masterKey.findFirst({ where: { state: "primary" } });
  if (!primary) return null;
  if (maxAgeDays > 0 && now.getTime() - primary.createdAt.getTime() > maxAgeDays * 86_400_000) return "age";
  if (maxWraps > 0 && primary.wrapCount >= maxWraps) return "wraps";
  return null;
}

export type RootKeyRotation = { rewrapped: number; serverKeysRekeyed: number; serverKeysDisabled: number };

/**
 * Re-wraps every master key under a new root key and re-keys every
 * server-key hash (derived from the root key), in one transaction (admin CLI).
 */
export async function rotateRootKey(oldRoot: Buffer, newRoot: Buffer): Promise<RootKeyRotation> {
  if (oldRoot.equals(newRoot)) throw new VaultError("INVALID_REQUEST", "the new root key is the same as the old one");
  const oldId = rootKeyId(oldRoot);
  const newId = rootKeyId(newRoot);
  return withTransaction(async (tx) => {
    const rows = await tx.masterKey.findMany();
    let n = 0;
    for (const row of rows) {
      if (row.rootKeyId === newId) continue;
      if (row.rootKeyId !== oldId) {
        throw new VaultError("INVALID_REQUEST", `master key v${row.version} is not wrapped by the old root key given`);
      }
      const key = unwrapMasterKey(oldRoot, row.version, Buffer.from(row.wrappedKey));
      await tx.masterKey.update({
        where: { version: row.version },
        data: { wrappedKey: wrapMasterKey(newRoot, row.version, key), rootKeyId: newId },
      });
      n++;
    }
    // A rerun that finds the keyring already under the new root key leaves
    // the server keys as they are: the same transaction re-keyed them.
    const done = rows.length > 0 && n === 0;
    const keys = done ? { rekeyed: 0, disabled: 0 } : await rekeyServerKeys(tx, oldRoot, newRoot);
    // Only the admin CLI rotates the root key (it needs both keys).
    await recordAuditEvent({ action: "root_key.rotate", actor: CLI_ACTOR, target: newId }, { tx });
    return { rewrapped: n, serverKeysRekeyed: keys.rekeyed, serverKeysDisabled: keys.disabled };
  });
}

export function clearKeyringCache(): void {
  const s = state();
  s.keys.clear();
  s.primary = null;
}

export type NextRotation = {
  /** When the primary reaches the age limit (null: no age limit). */
  byAgeAt: string | null;
  /** Wraps the primary may still make before the wrap limit (null: no wrap limit). */
  wrapsLeft: number | null;
  primaryVersion: number | null;
};

/** When the policy rotates the primary next (the policy checks each minute). */
export async function nextRotation(): Promise<NextRotation> {
  const { maxAgeDays, maxWraps } = getRotationPolicy();
  const primary = await getDb().masterKey.findFirst({ where: { state: "primary" } });
  if (!primary) return { byAgeAt: null, wrapsLeft: null, primaryVersion: null };
  const wraps = primary.wrapCount + (state().pendingWraps.get(primary.version) ?? 0);
  return {
    byAgeAt: maxAgeDays > 0 ? new Date(primary.createdAt.getTime() + maxAgeDays * 86_400_000).toISOString() : null,
    wrapsLeft: maxWraps > 0 ? Math.max(0, maxWraps - wraps) : null,
    primaryVersion: primary.version,
  };
}

export { getRewrapStatus, startRewrap, type RewrapStatus } from "./rewrap";
