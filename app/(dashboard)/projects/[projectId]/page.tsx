import type { Metadata } from "next";
import { StoresView } from "@/components/stores/stores-view";

export const metadata: Metadata = { title: "Stores" };

export default async function ProjectStoresPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return <StoresView projectId={projectId} />;
}
