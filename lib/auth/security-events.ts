// Security events: who signed in or failed to, lockouts, invitations, role
// changes, session revocations, account changes. They are audit events
// (lib/audit) of the "security" group; this is the accounts code's one way
// to record them, inside the caller's transaction when there is one (so
// the event and the change commit together).
// Admins read them on /admin/security-events.
//
// Never a password, a token or a secret: `detail` takes only a few flat,
// non-secret facts, and keys that look like secrets are refused.
import "server-only";
import type { Db, Tx } from "@/lib/db/client";
import { recordAuditEvent } from "@/lib/audit/record";
import { ANONYMOUS, CLI_ACTOR, userActor, type Actor } from "@/lib/audit/actor";
import type { AuditAction } from "@/lib/audit/actions";

export const SECURITY_ACTIONS = [
  "auth.sign_in",
  "auth.sign_in_failed",
  "auth.lockout",
  "auth.sign_out",
  "session.revoke",
  "session.revoke_all",
  "account.create",
  "account.password_change",
  "account.password_set",
  "account.disable",
  "account.enable",
  "account.delete",
  "account.promote",
  "account.demote",
  "account.github_link",
  "setup.link_created",
  "setup.complete",
  "invitation.create",
  "invitation.accept",
  "invitation.revoke",
  "member.role",
  "member.remove",
  "instance.settings",
] as const satisfies readonly AuditAction[];

export type SecurityAction = (typeof SECURITY_ACTIONS)[number];

export type SecurityEventInput = {
  action: SecurityAction;
  /** The account that acted (null: an anonymous visitor, or the admin CLI). */
  actorUserId?: string | null;
  projectId?: string | null;
  /** What it acted on: an email, an account or session id, a role change. */
  target?: string | null;
  /** The client address (lib/net/client-address.ts); "cli" for the admin CLI. */
  address?: string | null;
  detail?: Record<string, string | number | boolean | null>;
};

function actorOf(event: SecurityEventInput): Actor {
  if (event.actorUserId) return userActor(event.actorUserId);
  return event.address === "cli" ? CLI_ACTOR : ANONYMOUS;
}

export async function recordSecurityEvent(db: Tx | Db, event: SecurityEventInput): Promise<void> {
  const input = {
    action: event.action,
    actor: actorOf(event),
    projectId: event.projectId ?? null,
    target: event.target?.slice(0, 300) ?? null,
    clientAddress: event.address && event.address !== "cli" ? event.address.slice(0, 64) : null,
    detail: event.detail,
  };
  // Outside a transaction (a failed sign-in) the event is still written at
  // once, with the root client, rather than queued: security events are
  // few, and the one asking for them (an admin, a test) expects them there.
  await recordAuditEvent(input, { tx: db as Tx });
}
