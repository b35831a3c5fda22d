import type { Metadata } from "next";
import Link from "next/link";
import { log } from "@/lib/log";
import { listProjects } from "@/lib/projects/service";
import type { OrgContext } from "@/lib/security/context";
import { AppError } from "@/lib/security/errors";
import { orgPage } from "@/lib/security/page";
import { orgSettingsDto } from "@/lib/settings/schemas";
import { getOrgSettings } from "@/lib/settings/service";
import { providerKeyDto, vaultStatusDto } from "@/lib/vault/schemas";
import { listProviderKeys, vaultStatus } from "@/lib/vault/service";
import { PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { KeyModeForm } from "./key-mode-form";
import { MasterKeyCard } from "./master-key-card";
import { ProviderKeysSection } from "./provider-keys-section";

export const metadata: Metadata = { title: "Provider keys" };

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

function Header({ settingsHref }: { settingsHref: string }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-[0.8125rem]">
        <ol className="flex min-w-0 items-center gap-1.5 text-zinc-500">
          <li>
            <Link href={settingsHref} className="rounded hover:text-zinc-900 hover:underline hover:underline-offset-2">
              Settings
            </Link>
          </li>
          <li aria-hidden="true" className="text-zinc-300">
            /
          </li>
          <li aria-current="page" className="min-w-0 truncate font-medium text-zinc-700">
            Provider keys
          </li>
        </ol>
      </nav>
      <PageHeader
        title="Provider keys"
        description="The OpenAI and Anthropic keys the gateway calls providers with, kept encrypted in the vault, and where the gateway takes keys from. Every change is recorded in the audit log."
      />
    </>
  );
}

export default async function ProviderKeysPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug, "org.read");
  const settingsHref = `/${ctx.orgSlug}/settings`;

  if (!ctx.permissions.has("provider_keys.read")) {
    return (
      <>
        <Header settingsHref={settingsHref} />
        <Card aria-labelledby="provider-keys-denied-title">
          <CardHeader titleId="provider-keys-denied-title" title="Vaulted keys" />
          <CardBody>
            <Alert tone="info" live="none">
              Only admins and owners can see provider keys. Ask one of them to add a key or change where the gateway takes keys from.
            </Alert>
          </CardBody>
        </Card>
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
      <Header settingsHref={settingsHref} />
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
