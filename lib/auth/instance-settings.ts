// Instance-wide sign-up policy: off by default (invitations only); an admin
// may open it, optionally to some email domains.
import "server-only";
import { getDb } from "@/lib/db/client";
import { withTransaction } from "@/lib/db/tx";
import { recordSecurityEvent } from "./security-events";

export type InstanceSettingsView = { openSignUp: boolean; signUpDomains: string[] };

const ID = "instance";

const toView = (row: { openSignUp: boolean; signUpDomains: string } | null): InstanceSettingsView => ({
  openSignUp: row?.openSignUp ?? false,
  signUpDomains: (row?.signUpDomains ?? "").split(",").filter(Boolean),
});

export async function getInstanceSettings(): Promise<InstanceSettingsView> {
  return toView(await getDb().instanceSettings.findUnique({ where: { id: ID } }));
}

export async function updateInstanceSettings(
  input: InstanceSettingsView,
  actor: { userId: string | null; address: string },
): Promise<InstanceSettingsView> {
  const data = { openSignUp: input.openSignUp, signUpDomains: input.signUpDomains.join(",") };
  const row = await withTransaction(async (tx) => {
    const saved = await tx.instanceSettings.upsert({ where: { id: ID }, create: { id: ID, ...data }, update: data });
    await recordSecurityEvent(tx, {
      action: "instance.settings",
      actorUserId: actor.userId,
      address: actor.address,
      detail: { openSignUp: data.openSignUp, signUpDomains: data.signUpDomains },
    });
    return saved;
  });
  return toView(row);
}

/** Null when open sign-up allows this email, else the reason to show. */
export function signUpRefusal(settings: InstanceSettingsView, email: string): string | null {
  if (!settings.openSignUp) return "Sign-up is by invitation only. Ask a project owner for an invitation link.";
  if (settings.signUpDomains.length === 0) return null;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  if (settings.signUpDomains.includes(domain)) return null;
  return `Sign-up is open to addresses at ${settings.signUpDomains.map((d) => `@${d}`).join(", ")} only.`;
}
