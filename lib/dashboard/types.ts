// Wire shapes of the dashboard's JSON routes (what the pages receive).
// Client-safe: no server imports.
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

export type StoreView = {
  id: string;
  displayName: string;
  description: string;
  entryCount: number;
  createdAt: string;
  lastActivityAt: string | null;
};

export type ActivityDay = { day: string; reads: number; writes: number; deletes: number; misses: number };

export type ServerKeyView = {
  id: string;
  name: string;
  displayPrefix: string;
  stores: string[] | null;
  readOnly: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type MasterKeyView = {
  version: number;
  state: "primary" | "active" | "retired";
  createdAt: string;
  retiredAt: string | null;
  entryCount: number;
  wrapCount: number;
};

export type RewrapStatus = {
  state: "idle" | "running" | "done" | "failed";
  processed: number;
  total: number;
  targetVersion: number | null;
  updatedAt: string | null;
};

export type RotationPolicy = { maxAgeDays: number; maxWraps: number };
