import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { StoreDetailView } from "@/components/stores/store-detail";
import { DEFAULT_ACTIVITY_DAYS } from "@/lib/dashboard/schemas";
import { loadProject, loadStore, prefetchStore } from "@/lib/dashboard/server-data";

type Props = { params: Promise<{ projectId: string; storeId: string }> };

async function ids(params: Props["params"]) {
  const { projectId, storeId } = await params;
  return { projectId, storeId: decodeURIComponent(storeId) };
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { projectId, storeId } = await ids(params);
  const [project, detail] = await Promise.all([loadProject(projectId), loadStore(projectId, storeId, DEFAULT_ACTIVITY_DAYS)]);
  return { title: project && detail ? `${detail.store.displayName} (${detail.store.id}) · ${project.name}` : "Store not found" };
}

export default async function StorePage({ params }: Props) {
  const { projectId, storeId } = await ids(params);
  return (
    <HydrationBoundary state={await prefetchStore(projectId, storeId)}>
      <StoreDetailView projectId={projectId} storeId={storeId} />
    </HydrationBoundary>
  );
}
