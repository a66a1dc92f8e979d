import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { AccountSettings } from "@/components/account/account-settings";
import { getAccountSettings } from "@/lib/auth/account";
import { githubEnabled } from "@/lib/auth/options";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Account settings" };

export default async function SettingsPage() {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return <AccountSettings account={await getAccountSettings(user.id)} githubEnabled={githubEnabled()} />;
}
