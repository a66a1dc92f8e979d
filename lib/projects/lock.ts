// Row locks on projects, so that membership checks and the writes that
// follow them see one order of events. "Is there another owner?" read in
// two READ COMMITTED transactions at once on PostgreSQL would both say yes
// and leave the project without an owner; with the project row locked
// first, the second waits and then counts what the first committed. On
// SQLite the same statement takes the write lock before anything is read.
import "server-only";
import type { Tx } from "@/lib/db/client";
import { VaultError } from "@/lib/vault/errors";

/** Locks one project row; PROJECT_NOT_FOUND when it does not exist. */
export async function lockProject(tx: Tx, projectId: string): Promise<void> {
  // A no-op write: a row lock on PostgreSQL, the write lock on SQLite.
  const count = await tx.$executeRaw`UPDATE "Project" SET "updatedAt" = "updatedAt" WHERE "id" = ${projectId}`;
  if (count === 0) throw new VaultError("PROJECT_NOT_FOUND", "Project not found.");
}

/** Locks several, always in id order so two transactions cannot deadlock. */
export async function lockProjects(tx: Tx, projectIds: string[]): Promise<void> {
  for (const id of [...new Set(projectIds)].sort()) await lockProject(tx, id);
}
