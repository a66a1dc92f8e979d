import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { ProjectsList } from "@/components/projects/projects-list";
import { prefetchProjects } from "@/lib/dashboard/server-data";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage() {
  return (
    <HydrationBoundary state={await prefetchProjects()}>
      <ProjectsList />
    </HydrationBoundary>
  );
}
