"use client";
import { Card, CardHeader } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/states";
import { DeleteProjectDialog } from "./delete-project-dialog";
import { useProject } from "./hooks";
import { MembersCard } from "./members-card";
import { RenameProjectForm } from "./rename-project-form";

export function ProjectSettings({ projectId }: { projectId: string }) {
  const project = useProject(projectId);
  if (!project.data) {
    // The frame above shows the error state.
    return project.isPending ? (
      <Card>
        <LoadingState label="Loading settings" />
      </Card>
    ) : null;
  }
  const owner = project.data.role === "owner";
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="General" />
        <RenameProjectForm key={project.data.name} projectId={projectId} name={project.data.name} canEdit={owner} />
      </Card>
      <MembersCard projectId={projectId} canManage={owner} />
      {owner ? (
        <Card className="ring-red-200">
          <div className="flex flex-col gap-3 p-5 sm:flex-row sm:items-center sm:justify-between">
            <div>
              <h2 className="font-semibold text-slate-900">Delete this project</h2>
              <p className="text-sm text-slate-600">Erases its stores, entries and server keys. Type the project name to confirm.</p>
            </div>
            <DeleteProjectDialog projectId={projectId} name={project.data.name} />
          </div>
        </Card>
      ) : null}
    </div>
  );
}
