import type { OrgContext } from "@/lib/security/context";
import { projectSettingsDto } from "@/lib/settings/schemas";
import { getProjectSettings } from "@/lib/settings/service";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ProjectDataSettingsForm } from "./project-data-settings-form";

/** The "Project data settings" panel: retention, storage and provider-key mode overrides, editable with settings.manage. */
export async function ProjectDataSettings({ ctx, projectId }: { ctx: OrgContext; projectId: string }) {
  if (!ctx.permissions.has("settings.read")) return null;
  const settings = projectSettingsDto.parse(await getProjectSettings(ctx.orgId, projectId));
  return (
    <Card aria-labelledby="project-data-title">
      <CardHeader
        titleId="project-data-title"
        title="Project data settings"
        description="How long this project's request records are kept, what they store, and where the gateway takes provider keys from. Each setting inherits the organisation's value unless set here."
      />
      <CardBody>
        <ProjectDataSettingsForm orgId={ctx.orgId} settings={settings} canManage={ctx.permissions.has("settings.manage")} />
      </CardBody>
    </Card>
  );
}
