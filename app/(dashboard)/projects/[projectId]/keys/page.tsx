import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { ServerKeysView } from "@/components/server-keys/server-keys-view";
import { loadProject, prefetchServerKeys } from "@/lib/dashboard/server-data";

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const project = await loadProject((await params).projectId);
  return { title: project ? `Server keys · ${project.name}` : "Project not found" };
}

export default async function ServerKeysPage({ params }: Props) {
  const { projectId } = await params;
  return (
    <HydrationBoundary state={await prefetchServerKeys(projectId)}>
      <ServerKeysView projectId={projectId} />
    </HydrationBoundary>
  );
}
