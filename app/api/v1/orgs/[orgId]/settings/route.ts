import { orgSettingsDto, orgSettingsPatch } from "@/lib/settings/schemas";
import { getOrgSettings, updateOrgSettings } from "@/lib/settings/service";
import { withOrg } from "@/lib/security/route";

export const GET = withOrg({ permission: "settings.read", response: orgSettingsDto }, (ctx) => getOrgSettings(ctx.orgId));

export const PATCH = withOrg({ permission: "settings.manage", body: orgSettingsPatch, response: orgSettingsDto }, async (ctx, { body }) =>
  (await updateOrgSettings(ctx, body)).settings,
);
