import type { Metadata } from "next";
import { log } from "@/lib/log";
import { listProjects } from "@/lib/projects/service";
import type { OrgContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { orgPage } from "@/lib/security/page";
import { orgSettingsDto } from "@/lib/settings/schemas";
import { getOrgSettings } from "@/lib/settings/service";
import { providerKeyDto, vaultStatusDto } from "@/lib/vault/schemas";
import { listProviderKeys, vaultStatus } from "@/lib/vault/service";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SettingsDenied, SettingsSubpageHeader } from "../subpage";
import { KeyModeForm } from "./key-mode-form";
import { MasterKeyCard } from "./master-key-card";
import { ProviderKeysSection } from "./provider-keys-section";

export const metadata: Metadata = { title: "Provider keys" };

const DESCRIPTION =
  "The OpenAI and Anthropic keys the gateway calls providers with, kept encrypted in the vault, and where the gateway takes keys from. Every change is recorded in the audit log.";

/** The vault's state, or null when the key ring cannot be used (a misconfiguration the page reports rather than a 500). */
async function loadVaultStatus(ctx: OrgContext) {
  try {
    return vaultStatusDto.parse(await vaultStatus(ctx));
  } catch (error) {
    if (error instanceof AppError) throw error;
    log.error("vault status unavailable", { requestId: ctx.request.requestId, error });
    return null;
  }
}

export default async function ProviderKeysPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug, "org.read");

  if (!ctx.permissions.has("provider_keys.read")) {
    return (
      <>
        <SettingsSubpageHeader orgSlug={ctx.orgSlug} title="Provider keys" description={DESCRIPTION} />
        <SettingsDenied id="provider-keys-denied" title="Vaulted keys">
          Only admins and owners can see provider keys. Ask one of them to add a key or change where the gateway takes keys from.
        </SettingsDenied>
      </>
    );
  }

  const [keys, projects, settings, status] = await Promise.all([
    listProviderKeys(ctx, { status: "all" }),
    listProjects(ctx.orgId),
    getOrgSettings(ctx.orgId),
    loadVaultStatus(ctx),
  ]);
  const rows = keys.map((key) => providerKeyDto.parse(key));
  const mode = orgSettingsDto.parse(settings).providerKeyMode;
  const vaultedProviders = [...new Set(rows.filter((key) => key.status === "live" && key.projectId === null).map((key) => key.provider))];

  return (
    <>
      <SettingsSubpageHeader orgSlug={ctx.orgSlug} title="Provider keys" description={DESCRIPTION} />
      <div className="space-y-6">
        <Card aria-labelledby="key-mode-title">
          <CardHeader
            titleId="key-mode-title"
            title="Key mode"
            description="Where the gateway takes the provider key for each request from. It applies to every project of the org that does not override it (Project → Project data settings)."
          />
          <CardBody>
            <KeyModeForm orgId={ctx.orgId} mode={mode} vaultedProviders={vaultedProviders} canManage={ctx.permissions.has("settings.manage")} />
          </CardBody>
        </Card>
        <ProviderKeysSection
          orgId={ctx.orgId}
          keys={rows}
          projects={projects.map((project) => ({ id: project.id, name: project.name }))}
          canManage={ctx.permissions.has("provider_keys.manage")}
        />
        <MasterKeyCard orgId={ctx.orgId} status={status} canRewrap={ctx.permissions.has("vault.rewrap")} />
      </div>
    </>
  );
}
