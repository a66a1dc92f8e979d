// Every action the audit trail records, in one list (as Infisical's
// audit-log-types enum): the v1 API's entry access, dashboard and CLI
// administration, accounts and sign-in, and the audit trail's own events.
// A record with an action not listed here does not compile. Client-safe:
// the dashboard's filters list these.

export const AUDIT_ACTIONS = {
  // v1 API: written in batches off the request path, one per entry named.
  "entry.read": { group: "access", label: "Entry read" },
  "entry.write": { group: "access", label: "Entry written" },
  "entry.delete": { group: "access", label: "Entry deleted" },
  "entry.access_log": { group: "access", label: "Entry access log read" },
  // A lease answer carries the entry as it is: a read, recorded as its own action.
  "entry.lease": { group: "access", label: "Entry lease acquired or renewed" },
  "entry.lease_release": { group: "access", label: "Entry lease released" },
  "store.read": { group: "access", label: "Store info read" },

  // Administration: written in the same transaction as the change.
  "project.create": { group: "admin", label: "Project created" },
  "project.rename": { group: "admin", label: "Project renamed" },
  "project.delete": { group: "admin", label: "Project deleted" },
  "member.add": { group: "admin", label: "Member added" },
  // Role changes and removals are security events too (issue 9).
  "member.role": { group: "security", label: "Member role changed" },
  "member.remove": { group: "security", label: "Member removed" },
  "store.create": { group: "admin", label: "Store created" },
  "store.delete": { group: "admin", label: "Store deleted" },

  // Security events: what an instance admin reviews (the admin page lists
  // exactly this group). Sign-in and account events come from lib/auth.
  "server_key.create": { group: "security", label: "Server key created" },
  "server_key.revoke": { group: "security", label: "Server key revoked" },
  "master_key.rotate": { group: "security", label: "Master key rotated" },
  "master_key.retire": { group: "security", label: "Master key retired with quarantined entries" },
  "master_key.purge": { group: "security", label: "Retired master keys purged" },
  "entry.quarantine_delete": { group: "security", label: "Quarantined entry deleted" },
  "root_key.rotate": { group: "security", label: "Root key rotated" },
  "account.create": { group: "security", label: "Account created" },
  "account.admin": { group: "security", label: "Account made admin" },
  "account.password_change": { group: "security", label: "Password changed" },
  "account.password_set": { group: "security", label: "Password set by an admin" },
  "account.disable": { group: "security", label: "Account disabled" },
  "account.enable": { group: "security", label: "Account enabled" },
  "account.delete": { group: "security", label: "Account deleted" },
  "account.promote": { group: "security", label: "Account made admin" },
  "account.demote": { group: "security", label: "Admin rights removed" },
  "account.github_link": { group: "security", label: "GitHub connected" },
  "auth.sign_in": { group: "security", label: "Signed in" },
  "auth.sign_in_failed": { group: "security", label: "Sign-in failed" },
  "auth.lockout": { group: "security", label: "Sign-in locked out" },
  "auth.sign_out": { group: "security", label: "Signed out" },
  "session.revoke": { group: "security", label: "Session ended" },
  "session.revoke_all": { group: "security", label: "All sessions ended" },
  "setup.link_created": { group: "security", label: "Setup link created" },
  "setup.complete": { group: "security", label: "First admin set up" },
  "invitation.create": { group: "security", label: "Invitation sent" },
  "invitation.accept": { group: "security", label: "Invitation accepted" },
  "invitation.revoke": { group: "security", label: "Invitation revoked" },
  "instance.settings": { group: "security", label: "Instance settings changed" },
  "audit.export": { group: "security", label: "Audit log exported" },
  "audit.events_dropped": { group: "security", label: "Audit events not recorded" },
  "audit.retention": { group: "security", label: "Old audit events deleted" },
} as const satisfies Record<string, { group: "access" | "admin" | "security"; label: string }>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export type AuditGroup = (typeof AUDIT_ACTIONS)[AuditAction]["group"];

export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export function isAuditAction(value: string): value is AuditAction {
  return Object.hasOwn(AUDIT_ACTIONS, value);
}

export function actionsIn(group: AuditGroup): AuditAction[] {
  return AUDIT_ACTION_NAMES.filter((a) => AUDIT_ACTIONS[a].group === group);
}

/** The label for an action; an action written by a newer version shows as itself. */
export function actionLabel(action: string): string {
  return isAuditAction(action) ? AUDIT_ACTIONS[action].label : action;
}

/**
 * What happened to a request or an action. Admin actions are "ok" (a failed
 * one rolls back with its record); v1 requests map their answer:
 * 200 "ok", 404 ENTRY_NOT_FOUND or a batch-get null "miss", 401/403
 * "denied", 429 "rate_limited", 409 "conflict", 413 "too_large",
 * 400/415 "invalid", 404 STORE_NOT_FOUND "not_found", 5xx "error".
 */
export const AUDIT_RESULTS = ["ok", "miss", "denied", "rate_limited", "conflict", "too_large", "invalid", "not_found", "error"] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export function isAuditResult(value: string): value is AuditResult {
  return (AUDIT_RESULTS as readonly string[]).includes(value);
}
