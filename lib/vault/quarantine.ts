import "server-only";
// Entries the rewrap could not open, and what an admin can do about them:
// list and inspect (never the data: where the row is, why it failed, what
// its blobs look like from outside), delete, and accept them so that the
// master-key version they reference can retire; then purge retired
// versions from the database (compromise recovery, docs/operations.md).
//
// A quarantine record applies to the row as it was found (its version and
// masterKeyVersion). If the app rewrites the entry, the new row is sealed
// under the primary key and the record no longer applies: it is "stale",
// left out of every count, and dropped by the next rewrap.
import { getDb } from "../db/client";
import { withTransaction } from "../db/tx";
import { log } from "../log";
import { unwrapDataKey, wrappedKeyVersion } from "./envelope";
import { IntegrityError, VaultError } from "./errors";
import { clearKeyringCache, getMasterKey } from "./keyring";
import { recordAuditEvent } from "../audit/record";
import type { Actor } from "../audit/actor";
import { RETIRE_GRACE_MS } from "./timing";

export type QuarantineView = {
  projectId: string;
  projectName: string;
  storeId: string;
  storeRef: string;
  keyHash: string;
  version: number;
  masterKeyVersion: number;
  reason: string;
  foundAt: string;
  confirmedAt: string | null;
};

export type QuarantineSummary = {
  /** Quarantined entries (records that still apply). */
  total: number;
  /** Of those, not yet accepted by an admin. */
  unconfirmed: number;
  byVersion: { version: number; count: number; confirmed: number }[];
};

const APPLIES = `e."storeRef" = q."storeRef" AND e."keyHash" = q."keyHash" AND e."version" = q."version" AND e."masterKeyVersion" = q."masterKeyVersion"`;

type Row = { storeRef: string; keyHash: string; version: number; masterKeyVersion: number; reason: string; foundAt: Date; confirmedAt: Date | null };

/** Records that still apply to their entry, with the entry's project and store. */
async function currentRecords(where: { storeRef?: string; keyHash?: string; masterKeyVersion?: number } = {}) {
  const db = getDb();
  const rows = await db.quarantinedEntry.findMany({
    where,
    orderBy: [{ foundAt: "asc" }, { storeRef: "asc" }, { keyHash: "asc" }],
    include: { store: { select: { storeId: true, projectId: true, project: { select: { name: true } } } } },
  });
  if (rows.length === 0) return [];
  const live = await db.entry.findMany({
    where: { OR: rows.map((r) => ({ storeRef: r.storeRef, keyHash: r.keyHash })) },
    select: { storeRef: true, keyHash: true, version: true, masterKeyVersion: true },
  });
  const current = new Set(live.map((e) => `${e.storeRef}\n${e.keyHash}\n${e.version}\n${e.masterKeyVersion}`));
  return rows.filter((r) => current.has(`${r.storeRef}\n${r.keyHash}\n${r.version}\n${r.masterKeyVersion}`));
}

function toView(r: Row & { store: { storeId: string; projectId: string; project: { name: string } } }): QuarantineView {
  return {
    projectId: r.store.projectId,
    projectName: r.store.project.name,
    storeId: r.store.storeId,
    storeRef: r.storeRef,
    keyHash: r.keyHash,
    version: r.version,
    masterKeyVersion: r.masterKeyVersion,
    reason: r.reason,
    foundAt: r.foundAt.toISOString(),
    confirmedAt: r.confirmedAt?.toISOString() ?? null,
  };
}

export async function listQuarantine(limit = 500): Promise<QuarantineView[]> {
  return (await currentRecords()).slice(0, limit).map(toView);
}

export async function quarantineSummary(): Promise<QuarantineSummary> {
  const rows = await getDb().$queryRawUnsafe<{ v: unknown; n: unknown; c: unknown }[]>(
    `SELECT q."masterKeyVersion" AS v, COUNT(*) AS n, COUNT(q."confirmedAt") AS c
     FROM "QuarantinedEntry" q JOIN "Entry" e ON ${APPLIES} GROUP BY q."masterKeyVersion" ORDER BY q."masterKeyVersion"`,
  );
  const byVersion = rows.map((r) => ({ version: Number(r.v), count: Number(r.n), confirmed: Number(r.c) }));
  const total = byVersion.reduce((n, v) => n + v.count, 0);
  return { total, unconfirmed: total - byVersion.reduce((n, v) => n + v.confirmed, 0), byVersion };
}

/** Deletes records that no longer apply (the entry was rewritten or deleted). */
export async function dropStaleQuarantine(): Promise<number> {
  return getDb().$executeRawUnsafe(
    `DELETE FROM "QuarantinedEntry" WHERE NOT EXISTS (SELECT 1 FROM "Entry" e WHERE ${APPLIES.replaceAll("q.", '"QuarantinedEntry".')})`,
  );
}

/** Whether any entry under this version is not quarantined (cheap: stops at the first). */
export async function hasUnquarantined(version: number): Promise<boolean> {
  const rows = await getDb().$queryRawUnsafe<unknown[]>(
    `SELECT 1 AS x FROM "Entry" e WHERE e."masterKeyVersion" = ${Number(version)}
     AND NOT EXISTS (SELECT 1 FROM "QuarantinedEntry" q WHERE ${APPLIES}) LIMIT 1`,
  );
  return rows.length > 0;
}

export type VersionCheck = { version: number; unquarantined: boolean; quarantined: number; unconfirmed: number };

/** For each active non-primary version: what still keeps it from retiring. */
export async function checkOldVersions(): Promise<VersionCheck[]> {
  const db = getDb();
  const [active, summary] = await Promise.all([
    db.masterKey.findMany({ where: { state: "active" }, select: { version: true }, orderBy: { version: "asc" } }),
    quarantineSummary(),
  ]);
  const out: VersionCheck[] = [];
  for (const { version } of active) {
    const q = summary.byVersion.find((v) => v.version === version);
    out.push({ version, unquarantined: await hasUnquarantined(version), quarantined: q?.count ?? 0, unconfirmed: (q?.count ?? 0) - (q?.confirmed ?? 0) });
  }
  return out;
}

/** Versions that only unconfirmed quarantined entries keep from retiring: they wait for an admin. */
export async function awaitingConfirmation(): Promise<number[]> {
  return (await checkOldVersions()).filter((v) => !v.unquarantined && v.unconfirmed > 0).map((v) => v.version);
}

export type QuarantineTarget = { storeRef: string; keyHash: string };

export type QuarantineDetail = QuarantineView & {
  /** Facts about the stored row, from outside: never its contents. */
  row: {
    ciphertextBytes: number;
    wrappedKeyBytes: number;
    wrappedKeyFormat: number | null;
    /** The master-key version the wrapped key's header names (it should equal masterKeyVersion). */
    wrappedKeyNamesVersion: number | null;
    masterKeyExists: boolean;
    masterKeyState: string | null;
    createdAt: string;
    updatedAt: string;
    expiresAt: string | null;
  };
  /** Whether its data key unwraps now (e.g. after the row was restored from a backup). */
  opensNow: boolean;
  whyNot: string | null;
};

export async function inspectQuarantined(target: QuarantineTarget): Promise<QuarantineDetail> {
  const db = getDb();
  const [record] = await currentRecords(target);
  if (!record) throw new VaultError("NOT_FOUND", "no quarantined entry with that store ref and key hash (see quarantine list)");
  const row = await db.entry.findUniqueOrThrow({ where: { storeRef_keyHash: target } });
  const master = await db.masterKey.findUnique({ where: { version: row.masterKeyVersion }, select: { state: true } });
  const wrapped = Buffer.from(row.wrappedKey);
  let named: number | null = null;
  try {
    named = wrappedKeyVersion(wrapped);
  } catch {
    named = null;
  }
  let whyNot: string | null = null;
  try {
    if (named !== row.masterKeyVersion) throw new IntegrityError("data key: master key version mismatch");
    const key = unwrapDataKey(await getMasterKey(row.masterKeyVersion), wrapped, {
      projectId: record.store.projectId,
      storeRef: row.storeRef,
      keyHash: row.keyHash,
      version: row.version,
    });
    key.fill(0);
  } catch (error) {
    if (!(error instanceof IntegrityError)) throw error;
    whyNot = error.message;
  }
  return {
    ...toView(record),
    row: {
      ciphertextBytes: row.ciphertext.length,
      wrappedKeyBytes: wrapped.length,
      wrappedKeyFormat: wrapped.length > 0 ? wrapped[0]! : null,
      wrappedKeyNamesVersion: named,
      masterKeyExists: master !== null,
      masterKeyState: master?.state ?? null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      expiresAt: row.expiresAt?.toISOString() ?? null,
    },
    opensNow: whyNot === null,
    whyNot,
  };
}

/** Erases a quarantined entry (its row and its record), moving the store's count. */
export async function deleteQuarantined(target: QuarantineTarget, actor: Actor): Promise<{ projectId: string; storeId: string }> {
  const [record] = await currentRecords(target);
  if (!record) throw new VaultError("NOT_FOUND", "no quarantined entry with that store ref and key hash (see quarantine list)");
  await withTransaction(async (tx) => {
    // Only the row as quarantined: if the app rewrote it meanwhile, it is healthy.
    const { count } = await tx.entry.deleteMany({ where: { ...target, version: record.version, masterKeyVersion: record.masterKeyVersion } });
    if (count === 0) throw new VaultError("CONFLICT", "the entry changed since it was quarantined (it was rewritten or deleted); nothing deleted");
    await tx.store.update({ where: { id: target.storeRef }, data: { entryCount: { decrement: count } } });
    await tx.quarantinedEntry.delete({ where: { storeRef_keyHash: target } });
    await recordAuditEvent(
      { projectId: record.store.projectId, storeId: record.store.storeId, keyHash: target.keyHash, action: "entry.quarantine_delete", target: `${record.store.storeId}/${target.keyHash}`, actor },
      { tx },
    );
  });
  log.warn("deleted a quarantined entry", { storeRef: target.storeRef, masterKeyVersion: record.masterKeyVersion });
  return { projectId: record.store.projectId, storeId: record.store.storeId };
}

/**
 * An admin accepts the quarantined entries under an old version, so that the
 * version retires although they still reference it. Refused while any entry
 * under it is not quarantined (run the rewrap first).
 */
export async function retireWithQuarantine(version: number, actor: Actor): Promise<{ version: number; accepted: number }> {
  const db = getDb();
  const key = await db.masterKey.findUnique({ where: { version } });
  if (!key) throw new VaultError("NOT_FOUND", `there is no master key v${version}`);
  if (key.state === "primary") throw new VaultError("CONFLICT", `v${version} is the primary master key; rotate first`);
  if (key.state === "retired") return { version, accepted: 0 };
  const primary = await db.masterKey.findFirst({ where: { state: "primary" }, select: { createdAt: true } });
  if (primary && Date.now() - primary.createdAt.getTime() < RETIRE_GRACE_MS) {
    throw new VaultError("CONFLICT", `the rotation is less than ${RETIRE_GRACE_MS / 1000} s old; servers may still write with v${version}. Try again in a few seconds`);
  }
  if (await hasUnquarantined(version)) {
    throw new VaultError("CONFLICT", `entries under v${version} still need the rewrap (npm run admin -- rewrap); only quarantined ones may stay`);
  }
  const records = await currentRecords({ masterKeyVersion: version });
  const now = new Date();
  const accepted = await withTransaction(async (tx) => {
    const { count } = await tx.quarantinedEntry.updateMany({
      where: { OR: records.map((r) => ({ storeRef: r.storeRef, keyHash: r.keyHash, version: r.version, masterKeyVersion: version })), confirmedAt: null },
      data: { confirmedAt: now },
    });
    await tx.masterKey.updateMany({ where: { version, state: "active" }, data: { state: "retired", retiredAt: now } });
    await recordAuditEvent({ action: "master_key.retire", target: `v${version}`, actor }, { tx });
    return records.length === 0 ? 0 : count;
  });
  log.warn("retired a master key that quarantined entries still reference", { version, quarantined: records.length });
  return { version, accepted };
}

export type PurgeResult = { purged: number[] };

/**
 * Deletes retired master keys from the database, so that no root key (old
 * or new) can open them from a later backup. Refused while any entry
 * references one of them, except quarantined entries an admin accepted
 * (those stay unreadable, as they already were).
 */
export async function purgeRetiredMasterKeys(actor: Actor): Promise<PurgeResult> {
  const db = getDb();
  const retired = await db.masterKey.findMany({ where: { state: "retired" }, select: { version: true }, orderBy: { version: "asc" } });
  const purged = await withTransaction(async (tx) => {
    const blocked: string[] = [];
    for (const { version } of retired) {
      const refs = await tx.entry.count({ where: { masterKeyVersion: version } });
      if (refs === 0) continue;
      const accepted = await tx.$queryRawUnsafe<{ n: unknown }[]>(
        `SELECT COUNT(*) AS n FROM "QuarantinedEntry" q JOIN "Entry" e ON ${APPLIES} WHERE q."masterKeyVersion" = ${Number(version)} AND q."confirmedAt" IS NOT NULL`,
      );
      const unaccepted = refs - Number(accepted[0]?.n ?? 0);
      if (unaccepted > 0) blocked.push(`v${version} (${unaccepted} ${unaccepted === 1 ? "entry" : "entries"})`);
    }
    if (blocked.length > 0) {
      throw new VaultError("CONFLICT", `entries not quarantined and accepted still reference ${blocked.join(", ")}; run the rewrap first`);
    }
    const versions = retired.map((r) => r.version);
    if (versions.length === 0) return [];
    // Only if still retired: never a version a concurrent change reactivated.
    await tx.masterKey.deleteMany({ where: { version: { in: versions }, state: "retired" } });
    await recordAuditEvent({ action: "master_key.purge", target: versions.map((v) => `v${v}`).join(","), actor }, { tx });
    return versions;
  });
  clearKeyringCache();
  if (purged.length > 0) log.warn("purged retired master keys", { versions: purged.join(",") });
  return { purged };
}
