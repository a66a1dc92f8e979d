// The first admin without the CLI: while no admin exists, each server start
// creates a one-time setup link (valid one hour) and prints it in the
// server's log, and only there. Opening it lets one person create the admin
// account; using it (or any admin appearing) ends every setup link.
import "server-only";
import { randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { log } from "@/lib/log";
import { linkBase } from "@/lib/net/public-url";
import { VaultError } from "@/lib/vault/errors";
import { hashPassword } from "./password";
import { assertPasswordAllowed } from "./password-policy";
import { takeFormAttempt } from "./rate-limit";
import { recordSecurityEvent } from "./security-events";
import { hashToken } from "./sessions";
import { createAccountInTx, lockAccounts, type AccountView } from "./users";

export const SETUP_LINK_TTL_MS = 60 * 60_000;
const INVALID = "This setup link is invalid, expired or already used. Restart the server for a new one, or run `npm run admin -- user create --admin`.";

export async function activeAdminExists(): Promise<boolean> {
  return (await getDb().user.count({ where: { isAdmin: true, disabledAt: null } })) > 0;
}

/** Creates a setup link when no admin exists; returns it (for the log), or null. */
export async function createSetupLink(): Promise<string | null> {
  const db = getDb();
  await db.setupToken.deleteMany({ where: { OR: [{ expiresAt: { lte: new Date() } }, { usedAt: { not: null } }] } });
  if (await activeAdminExists()) return null;
  const token = `dvs_${randomBytes(32).toString("base64url")}`;
  await withTransaction(async (tx) => {
    await tx.setupToken.create({ data: { tokenHash: hashToken(token), expiresAt: new Date(Date.now() + SETUP_LINK_TTL_MS) } });
    await recordSecurityEvent(tx, { action: "setup.link_created", address: "server" });
  });
  return `${linkBase()}/setup#${token}`;
}

/** Start-up hook: print the link. The one deliberate secret in the log; it is single-use and short-lived. */
export async function announceSetupLink(): Promise<void> {
  const link = await createSetupLink();
  if (!link) return;
  const line =
    "data-vault: no admin account yet. Open this one-time link within an hour to create one " +
    `(or run \`npm run admin -- user create --admin\`):\n  ${link}`;
  // Printed even with VAULT_LOG=off: it is how an operator gets in.
  console.log(line);
  log.info("setup link printed", { expiresInMinutes: SETUP_LINK_TTL_MS / 60_000 });
}

async function findUsable(token: string) {
  const row = await getDb().setupToken.findUnique({ where: { tokenHash: hashToken(token) } });
  return row && !row.usedAt && row.expiresAt.getTime() > Date.now() ? row : null;
}

/** Whether a setup link can still be used (the page shows the form only then). */
export async function checkSetupToken(token: string, address: string): Promise<void> {
  const wait = takeFormAttempt("setup", address);
  if (wait > 0) throw new VaultError("RATE_LIMITED", "Too many attempts. Try again later.", undefined, wait);
  if (!(await findUsable(token)) || (await activeAdminExists())) throw new VaultError("NOT_FOUND", INVALID);
}

/** Creates the first admin. Exactly one succeeds, however many try at once. */
export async function completeSetup(
  input: { token: string; email: string; password: string; name?: string },
  address: string,
): Promise<AccountView> {
  await checkSetupToken(input.token, address);
  await assertPasswordAllowed(input.password, { email: input.email });
  const passwordHash = await hashPassword(input.password);
  return withTransaction(async (tx) => {
    await lockAccounts(tx);
    const now = new Date();
    // Claim the link: only one transaction can move usedAt from null.
    const { count } = await tx.setupToken.updateMany({
      where: { tokenHash: hashToken(input.token), usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (count === 0) throw new VaultError("CONFLICT", INVALID);
    if ((await tx.user.count({ where: { isAdmin: true, disabledAt: null } })) > 0) throw new VaultError("CONFLICT", INVALID);
    const account = await createAccountInTx(tx, { email: input.email, name: input.name, passwordHash, isAdmin: true }, { via: "setup", address });
    await tx.setupToken.updateMany({ where: { usedAt: null }, data: { usedAt: now } });
    await recordSecurityEvent(tx, { action: "setup.complete", actorUserId: account.id, target: account.email, address });
    return account;
  });
}
