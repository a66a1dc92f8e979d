import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { SecurityEventsView } from "@/components/audit/security-events-view";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Security events" };

export default async function SecurityEventsPage() {
  const user = await getSessionUser();
  if (!user?.isAdmin) notFound();
  return <SecurityEventsView />;
}
