// What an instance admin (the CLI) does to accounts: promote, demote,
// disable, enable, delete, set a password. Two invariants hold under
// concurrency: the instance keeps at least one active admin, and no project
// is left without an owner (deleting the last owner of a project is
// refused; membership changes lock the project row, lib/projects/members.ts).
import "server-only";
import { getDb, type Tx } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { VaultError } from "@/lib/vault/errors";
import { lockProjects } from "@/lib/projects/lock";
import { hashPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { recordSecurityEvent } from "./security-events";
import { revokeAllSessions } from "./sessions";
import { createAccountInTx, lockAccounts, toView, type AccountView } from "./users";

export type Actor = { userId: string | null; address: string };

async function findByEmail(tx: Tx, email: string) {
  const user = await tx.user.findUnique({ where: { email } });
  if (!user) throw new VaultError("NOT_FOUND", `no account with email ${email} (see user list)`);
  return user;
}

async function assertAnotherAdmin(tx: Tx, userId: string): Promise<void> {
  const others = await tx.user.count({ where: { isAdmin: true, disabledAt: null, NOT: { id: userId } } });
  if (others === 0) throw new VaultError("CONFLICT", "this is the only active admin; promote another account first");
}

/** Creates an account from the server's machine (the CLI). Admin-made accounts may be admins. */
export async function createAccount(
  input: { email: string; password: string; name?: string; admin?: boolean },
  actor: Actor,
): Promise<AccountView> {
  await assertPasswordAllowed(input.password, { email: input.email });
  const passwordHash = await hashPassword(input.password);
  return withTransaction(async (tx) => {
    if (input.admin) await lockAccounts(tx);
    const account = await createAccountInTx(
      tx,
      { email: input.email, name: input.name, passwordHash, isAdmin: input.admin ?? false },
      { via: "cli", actorUserId: actor.userId, address: actor.address },
    );
    // An admin exists now: setup links have no use left.
    if (input.admin) await tx.setupToken.updateMany({ where: { usedAt: null }, data: { usedAt: new Date() } });
    return account;
  });
}

export async function setAdmin(email: string, admin: boolean, actor: Actor): Promise<AccountView> {
  return withTransaction(async (tx) => {
    await lockAccounts(tx);
    const user = await findByEmail(tx, email);
    if (user.isAdmin === admin) return toView(user);
    if (!admin) await assertAnotherAdmin(tx, user.id);
    const updated = await tx.user.update({ where: { id: user.id }, data: { isAdmin: admin } });
    await recordSecurityEvent(tx, { action: admin ? "account.promote" : "account.demote", actorUserId: actor.userId, target: user.email, address: actor.address });
    if (admin) await tx.setupToken.updateMany({ where: { usedAt: null }, data: { usedAt: new Date() } });
    return toView(updated);
  });
}

/** Disabling ends every session of the account at once; it cannot sign in until enabled. */
export async function setDisabled(email: string, disabled: boolean, actor: Actor): Promise<AccountView & { disabled: boolean; endedSessions: number }> {
  return withTransaction(async (tx) => {
    await lockAccounts(tx);
    const user = await findByEmail(tx, email);
    if (Boolean(user.disabledAt) === disabled) return { ...toView(user), disabled, endedSessions: 0 };
    if (disabled && user.isAdmin) await assertAnotherAdmin(tx, user.id);
    await tx.user.update({ where: { id: user.id }, data: { disabledAt: disabled ? new Date() : null } });
    await recordSecurityEvent(tx, { action: disabled ? "account.disable" : "account.enable", actorUserId: actor.userId, target: user.email, address: actor.address });
    const endedSessions = disabled ? await revokeAllSessions(tx, user.id, { actorUserId: actor.userId, address: actor.address, reason: "disabled", email: user.email }) : 0;
    return { ...toView(user), disabled, endedSessions };
  });
}

/**
 * Deletes the account (its sessions and memberships go with it). Refused
 * while it is the only owner of a project or the only active admin.
 */
export async function deleteAccount(email: string, actor: Actor): Promise<AccountView> {
  return withTransaction(async (tx) => {
    await lockAccounts(tx);
    const user = await findByEmail(tx, email);
    if (user.isAdmin && !user.disabledAt) await assertAnotherAdmin(tx, user.id);
    const owned = await tx.projectMember.findMany({ where: { userId: user.id, role: "owner" }, select: { projectId: true } });
    await lockProjects(tx, owned.map((m) => m.projectId));
    const soleOwner: string[] = [];
    for (const { projectId } of owned) {
      const others = await tx.projectMember.count({ where: { projectId, role: "owner", NOT: { userId: user.id } } });
      if (others === 0) soleOwner.push(projectId);
    }
    if (soleOwner.length > 0) {
      const names = await tx.project.findMany({ where: { id: { in: soleOwner } }, select: { name: true } });
      throw new VaultError(
        "CONFLICT",
        `${user.email} is the only owner of ${names.map((p) => `"${p.name}"`).join(", ")}; make someone else an owner or delete the project first`,
      );
    }
    await tx.user.delete({ where: { id: user.id } });
    await recordSecurityEvent(tx, { action: "account.delete", actorUserId: actor.userId, target: user.email, address: actor.address });
    return toView(user);
  });
}

/** An admin sets a new password (a locked-out user); every session of the account ends. */
export async function setPassword(email: string, password: string, actor: Actor): Promise<AccountView> {
  await assertPasswordAllowed(password, { email });
  const passwordHash = await hashPassword(password);
  return withTransaction(async (tx) => {
    const user = await findByEmail(tx, email);
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    await recordSecurityEvent(tx, { action: "account.password_set", actorUserId: actor.userId, target: user.email, address: actor.address });
    await revokeAllSessions(tx, user.id, { actorUserId: actor.userId, address: actor.address, reason: "password_set", email: user.email });
    return toView(user);
  });
}

export async function listAccounts() {
  return getDb().user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, isAdmin: true, createdAt: true, githubId: true, disabledAt: true },
  });
}
