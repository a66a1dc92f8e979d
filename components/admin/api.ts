// The instance settings page: query keys and fetchers (security events: components/audit).
import { apiFetch } from "@/lib/dashboard/api-client";
import type { InstanceSettingsView } from "@/lib/dashboard/types";

export const adminKeys = {
  all: ["admin"] as const,
  settings: () => [...adminKeys.all, "settings"] as const,
};

export const adminApi = {
  settings: () => apiFetch<{ settings: InstanceSettingsView }>("/api/dashboard/admin/settings").then((r) => r.settings),
  saveSettings: (input: InstanceSettingsView) =>
    apiFetch<{ settings: InstanceSettingsView }>("/api/dashboard/admin/settings", { method: "PUT", body: input }).then((r) => r.settings),
};
