import type { Metadata } from "next";
import { Suspense } from "react";
import { ProjectAuditView } from "@/components/audit/project-audit-view";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  return (
    <Suspense>
      <ProjectAuditView projectId={projectId} />
    </Suspense>
  );
}
