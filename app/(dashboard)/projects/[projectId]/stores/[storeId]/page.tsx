import type { Metadata } from "next";
import { StoreDetailView } from "@/components/stores/store-detail";

export const metadata: Metadata = { title: "Store" };

export default async function StorePage({ params }: { params: Promise<{ projectId: string; storeId: string }> }) {
  const { projectId, storeId } = await params;
  return <StoreDetailView projectId={projectId} storeId={decodeURIComponent(storeId)} />;
}
