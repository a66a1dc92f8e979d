// Wire shapes of the dashboard's JSON routes (what the pages receive).
// Client-safe: type-only imports, no runtime server code.
import type { Role } from "./schemas";

export type ProjectSummary = {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  storeCount: number;
  memberCount: number;
};
export type ProjectView = ProjectSummary & { serverKeyCount: number };

export type MemberView = { userId: string; email: string; name: string | null; role: Role; addedAt: string };

// The services' own view types: type-only imports are erased from client
// bundles, so the pages get the exact shapes the services return.
export type { StoreView, ActivityDay, GenerationCount, StoreDetail as StoreWithGenerations } from "@/lib/vault/stores";
export type { ServerKeyView } from "@/lib/server-keys/service";
export type { MasterKeyView } from "@/lib/vault/keyring";
export type { RewrapStatus } from "@/lib/vault/rewrap";

export type RotationPolicy = { maxAgeDays: number; maxWraps: number };

// Accounts (issue 9): type-only, erased from client bundles.
export type { InvitationView, InvitationPreview } from "@/lib/projects/invitations";
export type { SessionView } from "@/lib/auth/sessions";
export type { SecurityAction } from "@/lib/auth/security-events";
export type { InstanceSettingsView } from "@/lib/auth/instance-settings";
export type { AccountSettingsView } from "@/lib/auth/account";
