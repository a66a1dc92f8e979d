import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MasterKeysView } from "@/components/master-keys/master-keys-view";
import { getSessionUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Master keys" };

export default async function MasterKeysPage() {
  const user = await getSessionUser();
  if (!user?.isAdmin) notFound();
  return <MasterKeysView />;
}
