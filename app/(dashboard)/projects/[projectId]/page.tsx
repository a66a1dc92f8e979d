import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { StoresView } from "@/components/stores/stores-view";
import { loadProject, prefetchStores } from "@/lib/dashboard/server-data";

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const project = await loadProject((await params).projectId);
  return { title: project ? `Stores · ${project.name}` : "Project not found" };
}

export default async function ProjectStoresPage({ params }: Props) {
  const { projectId } = await params;
  return (
    <HydrationBoundary state={await prefetchStores(projectId)}>
      <StoresView projectId={projectId} />
    </HydrationBoundary>
  );
}
