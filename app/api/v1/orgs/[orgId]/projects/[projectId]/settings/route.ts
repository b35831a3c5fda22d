import { projectParams } from "@/lib/projects/schemas";
import { projectSettingsDto, projectSettingsPatch } from "@/lib/settings/schemas";
import { getProjectSettings, updateProjectSettings } from "@/lib/settings/service";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "settings.read", params: projectParams, response: projectSettingsDto }, (ctx, { params }) =>
  getProjectSettings(ctx.orgId, params.projectId),
);

export const PATCH = withOrg(
  { permission: "settings.manage", params: projectParams, body: projectSettingsPatch, response: projectSettingsDto },
  async (ctx, { params, body }) => (await updateProjectSettings(ctx, params.projectId, body)).settings,
);
