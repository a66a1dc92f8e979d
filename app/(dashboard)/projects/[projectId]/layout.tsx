import { HydrationBoundary } from "@tanstack/react-query";
import { ProjectFrame } from "@/components/projects/project-nav";
import { prefetchProject } from "@/lib/dashboard/server-data";

export default async function ProjectLayout({
  children,
  params,
}: {
  children: React.ReactNode;
  params: Promise<{ projectId: string }>;
}) {
  const { projectId } = await params;
  return (
    <HydrationBoundary state={await prefetchProject(projectId)}>
      <ProjectFrame projectId={projectId}>{children}</ProjectFrame>
    </HydrationBoundary>
  );
}
