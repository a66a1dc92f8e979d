"use client";
import { Card, CardHeader, DangerZone } from "@/components/ui/card";
import { LoadingState } from "@/components/ui/states";
import { InvitationsCard } from "@/components/invitations/invitations-card";
import { DeleteProjectDialog } from "./delete-project-dialog";
import { useProject } from "./hooks";
import { MembersCard } from "./members-card";
import { RenameProjectForm } from "./rename-project-form";

export function ProjectSettings({ projectId, currentEmail }: { projectId: string; currentEmail?: string }) {
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
      <MembersCard projectId={projectId} canManage={owner} currentEmail={currentEmail} />
      {owner ? <InvitationsCard projectId={projectId} /> : null}
      {owner ? (
        <DangerZone
          title="Delete this project"
          text="Erases its stores, entries and server keys. Type the project name to confirm."
          action={<DeleteProjectDialog projectId={projectId} name={project.data.name} />}
        />
      ) : null}
    </div>
  );
}
