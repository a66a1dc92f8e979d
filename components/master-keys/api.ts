// Master keys (instance admin): query keys and fetchers.
import { apiFetch } from "@/lib/dashboard/api-client";
import type { MasterKeyView, RewrapStatus, RotationPolicy } from "@/lib/dashboard/types";
import type { NextRotation } from "@/lib/vault/keyring";
import type { QuarantineView } from "@/lib/vault/quarantine";

export const masterKeyKeys = {
  all: ["master-keys"] as const,
  overview: () => [...masterKeyKeys.all, "overview"] as const,
  rewrap: () => [...masterKeyKeys.all, "rewrap"] as const,
};

export type MasterKeyOverview = {
  keys: MasterKeyView[];
  rewrap: RewrapStatus;
  quarantine: QuarantineView[];
  policy: RotationPolicy;
  nextRotation: NextRotation;
};

export type { MasterKeyView, NextRotation, QuarantineView, RewrapStatus, RotationPolicy };

export const masterKeysApi = {
  overview: () => apiFetch<MasterKeyOverview>("/api/dashboard/admin/master-keys"),
  rewrap: () => apiFetch<{ rewrap: RewrapStatus }>("/api/dashboard/admin/master-keys/rewrap").then((r) => r.rewrap),
  rotate: () => apiFetch<{ version: number }>("/api/dashboard/admin/master-keys/rotate", { method: "POST" }),
  retire: (version: number) => apiFetch<{ version: number; accepted: number }>("/api/dashboard/admin/master-keys/retire", { method: "POST", body: { version } }),
};
