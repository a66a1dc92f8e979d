import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { InstanceSettingsView } from "@/components/admin/instance-settings-form";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Instance settings" };

export default async function InstanceSettingsPage() {
  const user = await getSessionUser();
  if (!user?.isAdmin) notFound();
  return <InstanceSettingsView />;
}
