// Accounts: sign-up (the first account becomes the instance admin),
// credential checks, and GitHub linking.
import "server-only";
import { getDb, isPostgres, type Tx } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";
import { hashPassword, needsRehash, verifyPassword } from "./password";

export type AccountView = { id: string; email: string; name: string | null; isAdmin: boolean };

const toView = (u: { id: string; email: string; name: string | null; isAdmin: boolean }): AccountView => ({
  id: u.id,
  email: u.email,
  name: u.name,
  isAdmin: u.isAdmin,
});

// Serialises "is this the first account?" across concurrent sign-ups. On
// SQLite the write transaction already does (one writer at a time); on
// PostgreSQL two READ COMMITTED transactions would both count zero, so
// they take one advisory lock first.
const FIRST_ACCOUNT_LOCK = 0x64765f61; // "dv_a"

async function createInTx(tx: Tx, data: { email: string; name?: string | null; passwordHash?: string; githubId?: string }) {
  if (isPostgres()) await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${FIRST_ACCOUNT_LOCK})`);
  const existing = await tx.user.findUnique({ where: { email: data.email }, select: { id: true } });
  if (existing) throw new VaultError("CONFLICT", "An account with this email already exists. Sign in instead.");
  const isAdmin = (await tx.user.count()) === 0;
  const user = await tx.user.create({ data: { ...data, name: data.name || null, isAdmin } });
  await tx.auditEvent.create({ data: { actorUserId: user.id, action: "account.create", target: user.email } });
  return user;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "P2002";
}

export async function createAccount(input: { email: string; password: string; name?: string }): Promise<AccountView> {
  const passwordHash = await hashPassword(input.password);
  try {
    const user = await getDb().$transaction((tx) => createInTx(tx, { email: input.email, name: input.name, passwordHash }));
    return toView(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw new VaultError("CONFLICT", "An account with this email already exists. Sign in instead.");
    throw error;
  }
}

/** The account when the password matches, else null (same cost either way). */
export async function verifyCredentials(email: string, password: string): Promise<AccountView | null> {
  const db = getDb();
  const user = await db.user.findUnique({ where: { email } });
  const ok = await verifyPassword(password, user?.passwordHash);
  if (!user || !ok) return null;
  if (needsRehash(user.passwordHash!)) {
    await db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(password) } });
  }
  return toView(user);
}

/**
 * The account for a GitHub identity: the one already linked to this GitHub
 * id, else the one whose email GitHub has verified (linked now), else a new
 * account. Null when GitHub has no verified email for an unlinked identity.
 */
export async function findOrLinkGithubAccount(input: {
  githubId: string;
  verifiedEmail: string | null;
  name: string | null;
}): Promise<AccountView | null> {
  const db = getDb();
  const linked = await db.user.findUnique({ where: { githubId: input.githubId } });
  if (linked) return toView(linked);
  if (!input.verifiedEmail) return null;
  const email = input.verifiedEmail.trim().toLowerCase();
  const byEmail = await db.user.findUnique({ where: { email } });
  if (byEmail) {
    const user = await db.user.update({ where: { id: byEmail.id }, data: { githubId: input.githubId } });
    return toView(user);
  }
  const user = await db.$transaction((tx) => createInTx(tx, { email, name: input.name, githubId: input.githubId }));
  return toView(user);
}

export async function getAccount(userId: string): Promise<AccountView | null> {
  const user = await getDb().user.findUnique({ where: { id: userId } });
  return user ? toView(user) : null;
}

export async function hasAnyAccount(): Promise<boolean> {
  return (await getDb().user.count()) > 0;
}
