import type { OrgContext } from "@/lib/security/context";
import { orgSettingsDto } from "@/lib/settings/schemas";
import { getOrgSettings } from "@/lib/settings/service";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SecuritySettingsForm } from "./security-settings-form";

/** The "Security and data" card: the org's settings, editable with settings.manage. */
export async function SecuritySettings({ ctx }: { ctx: OrgContext }) {
  if (!ctx.permissions.has("settings.read")) return null;
  const settings = orgSettingsDto.parse(await getOrgSettings(ctx.orgId));
  return (
    <Card aria-labelledby="security-title">
      <CardHeader
        titleId="security-title"
        title="Security and data"
        description="What is kept and for how long, who may join, and where provider keys come from. Every change is recorded in the audit log."
      />
      <CardBody>
        <SecuritySettingsForm
          orgId={ctx.orgId}
          settings={settings}
          canManage={ctx.permissions.has("settings.manage")}
          providerKeysHref={`/${ctx.orgSlug}/settings/provider-keys`}
        />
      </CardBody>
    </Card>
  );
}
