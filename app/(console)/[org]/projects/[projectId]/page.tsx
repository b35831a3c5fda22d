import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { API_KEY_SCOPES, apiKeyDto } from "@/lib/api-keys/schemas";
import { listApiKeys } from "@/lib/api-keys/service";
import { getProject } from "@/lib/projects/service";
import { projectParams } from "@/lib/projects/schemas";
import type { OrgId } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { orgPage } from "@/lib/security/page";
import { SCOPE_PERMISSIONS } from "@/lib/security/permissions";
import { projectUsageByDay, projectUsageSummary } from "@/lib/usage/stats";
import { PageHeader } from "@/components/shell/page-header";
import { ApiKeysSection } from "./api-keys-section";
import { ProjectDataSettings } from "./project-data-settings";
import { UsagePanel } from "./usage-panel";

type Params = Promise<{ org: string; projectId: string }>;

/** This org's project, or the 404 page: another org's id, a missing one and a malformed one look the same. */
const loadProject = cache(async (orgId: OrgId, projectId: string) => {
  if (!projectParams.safeParse({ projectId }).success) notFound();
  try {
    return await getProject(orgId, projectId);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { org, projectId } = await params;
  const ctx = await orgPage(org, "api_keys.read");
  const project = await loadProject(ctx.orgId, projectId);
  return { title: project.name };
}

export default async function ProjectPage({ params }: { params: Params }) {
  const { org, projectId } = await params;
  const ctx = await orgPage(org, "api_keys.read");
  const project = await loadProject(ctx.orgId, projectId);
  const [keys, days, summary] = await Promise.all([
    listApiKeys(ctx, project.id),
    projectUsageByDay(ctx.orgId, project.id, 14),
    projectUsageSummary(ctx.orgId, project.id, 14),
  ]);
  // A key gets only scopes whose permissions the viewer holds; the service refuses the others too.
  const grantableScopes = API_KEY_SCOPES.filter((scope) => SCOPE_PERMISSIONS[scope].every((permission) => ctx.permissions.has(permission)));
  const projectsHref = `/${ctx.orgSlug}/projects`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-[0.8125rem]">
        <ol className="flex min-w-0 items-center gap-1.5 text-zinc-500">
          <li>
            <Link href={projectsHref} className="rounded hover:text-zinc-900 hover:underline hover:underline-offset-2">
              Projects
            </Link>
          </li>
          <li aria-hidden="true" className="text-zinc-300">
            /
          </li>
          <li aria-current="page" className="min-w-0 truncate font-medium text-zinc-700">
            {project.name}
          </li>
        </ol>
      </nav>
      <PageHeader
        title={project.name}
        description={
          <>
            The project&apos;s API keys and what they have been used for.{" "}
            <span className="whitespace-nowrap">
              Project ID <code className="text-xs text-zinc-700">{project.id}</code>
            </span>
          </>
        }
      />
      <div className="space-y-6">
        <ApiKeysSection
          orgId={ctx.orgId}
          projectId={project.id}
          keys={keys.map((key) => apiKeyDto.parse(key))}
          now={new Date().toISOString()}
          canCreate={ctx.permissions.has("api_keys.create")}
          canManage={ctx.permissions.has("api_keys.manage")}
          grantableScopes={grantableScopes}
        />
        <UsagePanel days={days} summary={summary} />
        <ProjectDataSettings ctx={ctx} projectId={project.id} />
      </div>
    </>
  );
}
