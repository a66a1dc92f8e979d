"use client";
// The project's header and tabs, shown above every project page. The
// server sends the project with the page, so the role is known at first
// paint (no flash of the member-only view for owners).
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { RefreshNotice } from "@/components/ui/refresh-notice";
import { EmptyState, ErrorState, Skeleton } from "@/components/ui/states";
import { isApiError } from "@/lib/dashboard/api-client";
import { useProject } from "./hooks";

export function ProjectFrame({ projectId, children }: { projectId: string; children: ReactNode }) {
  const pathname = usePathname();
  const project = useProject(projectId);
  const base = `/projects/${projectId}`;
  const tabs = [
    { href: base, label: "Stores", active: pathname === base || pathname.startsWith(`${base}/stores`) },
    { href: `${base}/keys`, label: "Server keys", active: pathname.startsWith(`${base}/keys`) },
    { href: `${base}/audit`, label: "Audit log", active: pathname.startsWith(`${base}/audit`) },
    { href: `${base}/settings`, label: "Settings", active: pathname.startsWith(`${base}/settings`) },
  ];

  if (project.isError && !project.data) {
    return (
      <Card>
        {isApiError(project.error, "PROJECT_NOT_FOUND") ? (
          <EmptyState title="Project not found">
            It does not exist, or you are not a member.{" "}
            <Link href="/projects" className="font-medium text-accent hover:underline">
              Back to your projects
            </Link>
          </EmptyState>
        ) : (
          <ErrorState title="Could not load this project" error={project.error} onRetry={() => project.refetch()} />
        )}
      </Card>
    );
  }

  return (
    <>
      <div className="mb-6">
        <nav aria-label="Breadcrumb" className="mb-1 text-sm text-fg-subtle">
          <Link href="/projects" className="hover:text-fg">
            Projects
          </Link>
          <span aria-hidden="true"> / </span>
        </nav>
        <div className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1">
          {project.data ? (
            <h1 className="min-w-0 text-2xl font-semibold tracking-tight text-fg [overflow-wrap:anywhere]" data-testid="project-name">
              {project.data.name}
            </h1>
          ) : (
            <Skeleton className="h-8 w-48" />
          )}
          {project.data ? <Badge tone={project.data.role === "owner" ? "indigo" : "slate"}>{project.data.role}</Badge> : null}
        </div>
        <div className="mt-3 empty:hidden">
          <RefreshNotice query={project} />
        </div>
        <div className="mt-5 overflow-x-auto border-b border-line">
          <nav aria-label="Project" className="-mb-px flex gap-6">
            {tabs.map((t) => (
              <Link
                key={t.href}
                href={t.href}
                aria-current={t.active ? "page" : undefined}
                className={cn(
                  "whitespace-nowrap border-b-2 px-1 pb-3 text-sm font-medium focus-visible:rounded-sm focus-visible:outline-offset-0",
                  t.active ? "border-accent text-accent-fg" : "border-transparent text-fg-muted hover:border-line-strong hover:text-fg",
                )}
              >
                {t.label}
              </Link>
            ))}
          </nav>
        </div>
      </div>
      {children}
    </>
  );
}

/** The signed-in user's role in the project (null while loading, which with server prefetch does not happen on a full load). */
export function useProjectRole(projectId: string) {
  return useProject(projectId).data?.role ?? null;
}
