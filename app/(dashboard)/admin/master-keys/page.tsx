import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { MasterKeysView } from "@/components/master-keys/master-keys-view";
import { prefetchMasterKeys, sessionUser } from "@/lib/dashboard/server-data";

export const metadata: Metadata = { title: "Master keys" };

export default async function MasterKeysPage() {
  const user = await sessionUser();
  if (!user?.isAdmin) notFound();
  return (
    <HydrationBoundary state={await prefetchMasterKeys()}>
      <MasterKeysView />
    </HydrationBoundary>
  );
}
