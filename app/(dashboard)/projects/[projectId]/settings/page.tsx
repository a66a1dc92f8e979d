import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { ProjectSettings } from "@/components/projects/project-settings";
import { loadProject, prefetchMembers, sessionUser } from "@/lib/dashboard/server-data";

type Props = { params: Promise<{ projectId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const project = await loadProject((await params).projectId);
  return { title: project ? `Settings · ${project.name}` : "Project not found" };
}

export default async function ProjectSettingsPage({ params }: Props) {
  const { projectId } = await params;
  const user = await sessionUser();
  return (
    <HydrationBoundary state={await prefetchMembers(projectId)}>
      <ProjectSettings projectId={projectId} currentEmail={user?.email} />
    </HydrationBoundary>
  );
}
