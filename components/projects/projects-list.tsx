"use client";
import Link from "next/link";
import { PageHeader } from "@/components/layout/page-header";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { ChevronRight, FolderIcon } from "@/components/ui/icons";
import { RefreshNotice } from "@/components/ui/refresh-notice";
import { EmptyState, ErrorState, LoadingState } from "@/components/ui/states";
import { DateText } from "@/components/ui/time";
import { plural } from "@/lib/dashboard/format";
import { CreateProjectDialog } from "./create-project-dialog";
import { useProjects } from "./hooks";

export function ProjectsList() {
  const projects = useProjects();
  return (
    <>
      <PageHeader
        title="Projects"
        description="Each project has its own stores, server keys and members."
        actions={projects.data?.length ? <CreateProjectDialog /> : null}
      />
      {projects.data === undefined ? (
        projects.isError ? (
          <Card>
            <ErrorState title="Could not load your projects" error={projects.error} onRetry={() => projects.refetch()} />
          </Card>
        ) : (
          <Card>
            <LoadingState label="Loading projects" />
          </Card>
        )
      ) : (
        <div className="space-y-4">
          <RefreshNotice query={projects} />
          {projects.data.length === 0 ? (
            <Card>
              <EmptyState icon={<FolderIcon />} title="Create your first project" action={<CreateProjectDialog />}>
                A project holds the stores your app writes secrets to, and the server keys it uses to reach them.
              </EmptyState>
            </Card>
          ) : (
            <ul className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {projects.data.map((p) => (
                <li key={p.id} className="min-w-0">
                  <Link
                    href={`/projects/${p.id}`}
                    className="group block h-full rounded-xl bg-surface p-5 shadow-sm ring-1 ring-line transition hover:shadow-md hover:ring-indigo-300 focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent dark:hover:ring-indigo-700"
                  >
                    <div className="flex items-start justify-between gap-3">
                      <div className="flex min-w-0 items-center gap-3">
                        <span className="flex h-9 w-9 shrink-0 items-center justify-center rounded-lg bg-accent-soft text-accent">
                          <FolderIcon />
                        </span>
                        <span className="truncate font-semibold text-fg" title={p.name} data-testid="project-card-name">
                          {p.name}
                        </span>
                      </div>
                      <ChevronRight className="mt-2 h-4 w-4 shrink-0 text-fg-subtle group-hover:text-accent" />
                    </div>
                    <div className="mt-4 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-fg-muted">
                      <span>{plural(p.storeCount, "store")}</span>
                      <span aria-hidden="true">·</span>
                      <span>{plural(p.memberCount, "member")}</span>
                      <Badge tone={p.role === "owner" ? "indigo" : "slate"} className="ml-auto">
                        {p.role}
                      </Badge>
                    </div>
                    <p className="mt-2 text-xs text-fg-subtle">
                      Created <DateText iso={p.createdAt} />
                    </p>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
