import "server-only";
// Server keys: created in the dashboard or the CLI, shown once, stored only
// as a hash keyed by the root key (hash.ts), restricted to some stores and/or read-only, revocable.
import { getDb } from "../db/client";
import { withTransaction } from "../db/tx";
import { VaultError } from "../vault/errors";
import { STORE_ID_PATTERN } from "../vault/ids";
import { recordAuditEvent } from "../audit/record";
import { userIdOf, type Actor } from "../audit/actor";
import { displayPrefix, newToken } from "./token";
import { hashNewToken } from "./hash";
import { forgetCachedKey } from "./authenticate";

export type ServerKeyView = {
  id: string;
  name: string;
  displayPrefix: string;
  stores: string[] | null;
  readOnly: boolean;
  /** May read entries' access logs (the audit permission). */
  audit: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

type Row = {
  id: string;
  name: string;
  displayPrefix: string;
  storeScope: string | null;
  readOnly: boolean;
  audit: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export function parseScope(storeScope: string | null): string[] | null {
  return storeScope === null ? null : (JSON.parse(storeScope) as string[]);
}

function toView(r: Row): ServerKeyView {
  return {
    id: r.id,
    name: r.name,
    displayPrefix: r.displayPrefix,
    stores: parseScope(r.storeScope),
    readOnly: r.readOnly,
    audit: r.audit,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

export async function createServerKey(
  projectId: string,
  /** audit: may read access logs; default: read-write keys yes, read-only keys no. */
  input: { name: string; stores: string[] | null; readOnly: boolean; audit?: boolean },
  actor: Actor,
): Promise<{ key: ServerKeyView; token: string }> {
  const name = input.name.trim();
  if (!name || name.length > 100) {
    throw new VaultError("INVALID_REQUEST", "name: 1 to 100 characters", [{ path: "name", message: "Enter a name of at most 100 characters." }]);
  }
  if (input.stores !== null) {
    if (input.stores.length === 0) {
      throw new VaultError("INVALID_REQUEST", "stores: choose at least one store, or all stores", [{ path: "stores", message: "Choose at least one store." }]);
    }
    const bad = input.stores.find((s) => !STORE_ID_PATTERN.test(s));
    if (bad !== undefined) throw new VaultError("INVALID_REQUEST", "stores: not a valid store id", [{ path: "stores", message: "Not a valid store id." }]);
  }
  const token = newToken();
  const row = await withTransaction(async (tx) => {
    const created = await tx.serverKey.create({
      data: {
        projectId,
        name,
        ...hashNewToken(token),
        displayPrefix: displayPrefix(token),
        storeScope: input.stores === null ? null : JSON.stringify([...new Set(input.stores)].sort()),
        readOnly: input.readOnly,
        audit: input.audit ?? !input.readOnly,
        createdById: userIdOf(actor),
      },
    });
    const permissions = [input.readOnly ? "read" : "read-write", ...(created.audit ? ["audit"] : [])].join("+");
    await recordAuditEvent({ action: "server_key.create", actor, projectId, target: `${created.id} (${permissions})` }, { tx });
    return created;
  });
  return { key: toView(row), token };
}

export async function listServerKeys(projectId: string): Promise<ServerKeyView[]> {
  const rows = await getDb().serverKey.findMany({ where: { projectId }, orderBy: { createdAt: "desc" } });
  return rows.map(toView);
}

export async function revokeServerKey(projectId: string, keyId: string, actor: Actor): Promise<void> {
  const revoked = await withTransaction(async (tx) => {
    const key = await tx.serverKey.findFirst({ where: { id: keyId, projectId }, select: { tokenHash: true, revokedAt: true } });
    if (!key) throw new VaultError("NOT_FOUND", "no such server key in this project");
    if (key.revokedAt) return key.tokenHash;
    await tx.serverKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await recordAuditEvent({ action: "server_key.revoke", actor, projectId, target: keyId }, { tx });
    return key.tokenHash;
  });
  // This instance forgets at once; others within VAULT_KEY_CACHE_SECONDS.
  forgetCachedKey(revoked);
}
