import type { Metadata } from "next";
import { ServerKeysView } from "@/components/server-keys/server-keys-view";

export const metadata: Metadata = { title: "Server keys" };

export default async function ServerKeysPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return <ServerKeysView projectId={projectId} />;
}
