// Builds the rows a test needs through the real services: a user, a
// project, stores and server keys.
import { randomBytes } from "node:crypto";
import { getDb } from "@/lib/db/client";
import { createStore } from "@/lib/vault/stores";
import { utcDay } from "@/lib/vault/activity";
import { createServerKey } from "@/lib/server-keys/service";
import { systemActor } from "@/lib/audit/actor";

/** Who the tests' direct service calls act as, in the audit trail. */
export const TEST_ACTOR = systemActor("test");

export async function makeProject(name = "Test project") {
  const db = getDb();
  const user = await db.user.create({ data: { email: `u-${randomBytes(4).toString("hex")}@example.test` } });
  const project = await db.project.create({ data: { name, members: { create: { userId: user.id, role: "owner" } } } });
  return { user, project };
}

export async function makeStoreAndKey(
  projectId: string,
  storeId = "oauth-tokens",
  key: { stores?: string[] | null; readOnly?: boolean } = {},
) {
  await createStore(projectId, { storeId, displayName: storeId }, TEST_ACTOR);
  const { token, key: view } = await createServerKey(
    projectId,
    { name: "test key", stores: key.stores ?? null, readOnly: key.readOnly ?? false },
    TEST_ACTOR,
  );
  return { token, keyId: view.id };
}

/** A random key hash in the API's alphabet (what the SDK would send). */
export function keyHash(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Waits until a moment has passed (plus a little), for tests of expiry. Tests
 * give short-lived entries a margin of a second or more, so that the writes
 * and reads before the moment stay before it on a loaded machine.
 */
export async function sleepUntil(moment: Date, extraMs = 50): Promise<void> {
  const wait = moment.getTime() + extraMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/**
 * Runs `read` (side-effect free) until one run begins and ends on the same
 * UTC day, and returns that run's result with the day. For checks of "today"
 * that would fail if the run straddled midnight UTC.
 */
export async function onOneUtcDay<T>(read: () => Promise<T>): Promise<{ day: string; value: T }> {
  for (;;) {
    const day = utcDay(); // the day activity is counted under
    const value = await read();
    if (utcDay() === day) return { day, value };
  }
}
