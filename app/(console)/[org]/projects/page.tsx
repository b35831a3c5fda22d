import type { Metadata } from "next";
import { listProjects } from "@/lib/projects/service";
import { orgPage } from "@/lib/security/page";
import { formatDateTime } from "@/components/format";
import { PageHeader } from "@/components/shell/page-header";
import { ProjectsView } from "./projects-view";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const ctx = await orgPage(org, "projects.read");
  const projects = await listProjects(ctx.orgId);

  return (
    <>
      <PageHeader
        title="Projects"
        description="Each project has its own API keys, usage and data-handling settings, and belongs to this organisation only."
      />
      <ProjectsView
        orgId={ctx.orgId}
        canWrite={ctx.permissions.has("projects.write")}
        canOpen={ctx.permissions.has("api_keys.read")}
        projects={projects.map((p) => ({ id: p.id, name: p.name, createdAt: p.createdAt.toISOString(), created: formatDateTime(p.createdAt) }))}
      />
    </>
  );
}
