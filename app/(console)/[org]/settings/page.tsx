import type { Metadata } from "next";
import Link from "next/link";
import { getOrg } from "@/lib/orgs/service";
import { orgPage } from "@/lib/security/page";
import { PERMISSION_DESCRIPTIONS, PERMISSIONS } from "@/lib/security/permissions";
import { formatDateTime } from "@/components/format";
import { RoleBadge } from "@/components/roles";
import { PageHeader } from "@/components/shell/page-header";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cx } from "@/components/ui/cx";
import { DeleteOrg } from "./delete-org";
import { RenameOrgForm } from "./rename-org-form";
import { SecuritySettings } from "./security-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug, "org.read");
  const org = await getOrg(ctx.orgId);

  return (
    <>
      <PageHeader title="Settings" description="The organisation's identity, its security and data handling, what your role allows here, and irreversible actions." />
      <div className="space-y-6">
        <Card aria-labelledby="org-title">
          <CardHeader titleId="org-title" title="Organisation" description="How this organisation appears to its members." />
          <CardBody className="space-y-5">
            <dl className="grid gap-x-6 gap-y-3 text-[0.8125rem] sm:grid-cols-3">
              <div className="space-y-0.5">
                <dt className="text-zinc-500">Slug</dt>
                <dd className="font-mono text-zinc-900">{org.slug}</dd>
              </div>
              <div className="space-y-0.5">
                <dt className="text-zinc-500">Organisation ID</dt>
                <dd className="font-mono text-xs break-all text-zinc-900">{org.id}</dd>
              </div>
              <div className="space-y-0.5">
                <dt className="text-zinc-500">Created</dt>
                <dd className="text-zinc-900">
                  <time dateTime={org.createdAt.toISOString()}>{formatDateTime(org.createdAt)}</time>
                </dd>
              </div>
            </dl>
            {ctx.permissions.has("org.update") ? (
              <RenameOrgForm orgId={ctx.orgId} name={org.name} />
            ) : (
              <div className="space-y-0.5 text-[0.8125rem]">
                <p className="text-zinc-500">Name</p>
                <p className="font-medium text-zinc-900">{org.name}</p>
                <p className="text-xs text-zinc-500">Only admins and owners can rename the organisation.</p>
              </div>
            )}
          </CardBody>
        </Card>

        <SecuritySettings ctx={ctx} />

        {ctx.permissions.has("provider_keys.read") ? (
          <Card aria-labelledby="provider-keys-link-title">
            <CardBody className="flex flex-wrap items-center justify-between gap-3">
              <div className="min-w-0 space-y-0.5">
                <h2 id="provider-keys-link-title" className="text-[0.9375rem] font-semibold text-zinc-900">
                  Provider keys
                </h2>
                <p className="text-[0.8125rem] text-zinc-500">The OpenAI and Anthropic keys kept encrypted in the vault, where the gateway takes keys from, and the master key.</p>
              </div>
              <Link href={`/${ctx.orgSlug}/settings/provider-keys`} className={buttonClasses("secondary", "sm")}>
                Manage provider keys
              </Link>
            </CardBody>
          </Card>
        ) : null}

        {ctx.permissions.has("sso.manage") ? (
          <Card aria-labelledby="sso-link-title">
            <CardBody className="flex flex-wrap items-center justify-between gap-3">
              <div className="min-w-0 space-y-0.5">
                <h2 id="sso-link-title" className="text-[0.9375rem] font-semibold text-zinc-900">
                  Single sign-on
                </h2>
                <p className="text-[0.8125rem] text-zinc-500">Verified email domains and the identity providers (OIDC, SAML) their users sign in with.</p>
              </div>
              <Link href={`/${ctx.orgSlug}/settings/sso`} className={buttonClasses("secondary", "sm")}>
                Manage single sign-on
              </Link>
            </CardBody>
          </Card>
        ) : null}

        {ctx.permissions.has("scim.manage") ? (
          <Card aria-labelledby="scim-link-title">
            <CardBody className="flex flex-wrap items-center justify-between gap-3">
              <div className="min-w-0 space-y-0.5">
                <h2 id="scim-link-title" className="text-[0.9375rem] font-semibold text-zinc-900">
                  SCIM provisioning
                </h2>
                <p className="text-[0.8125rem] text-zinc-500">Tokens for your identity provider, the default role, what deprovisioning does to API keys, and group-to-role mapping.</p>
              </div>
              <Link href={`/${ctx.orgSlug}/settings/scim`} className={buttonClasses("secondary", "sm")}>
                Manage SCIM
              </Link>
            </CardBody>
          </Card>
        ) : null}

        <Card aria-labelledby="permissions-title">
          <CardHeader
            titleId="permissions-title"
            title="Your permissions"
            description="What your role allows in this organisation. Roles are assigned on the Members page."
            actions={<RoleBadge role={ctx.role} />}
          />
          <ul aria-label="Permissions" className="divide-y divide-zinc-100">
            {PERMISSIONS.map((permission) => {
              const granted = ctx.permissions.has(permission);
              return (
                <li key={permission} className="flex flex-wrap items-center gap-x-4 gap-y-0.5 px-5 py-2.5 text-[0.8125rem]">
                  <code className={cx("shrink-0 sm:w-44", granted ? "text-zinc-900" : "text-zinc-400")}>{permission}</code>
                  <span className={cx("order-last min-w-0 basis-full sm:order-none sm:flex-1 sm:basis-auto", granted ? "text-zinc-700" : "text-zinc-400")}>
                    {PERMISSION_DESCRIPTIONS[permission]}
                  </span>
                  <span className="ml-auto sm:ml-0">{granted ? <Badge tone="success">Granted</Badge> : <Badge>Not granted</Badge>}</span>
                </li>
              );
            })}
          </ul>
        </Card>

        {ctx.permissions.has("org.delete") ? <DeleteOrg orgId={ctx.orgId} slug={org.slug} name={org.name} /> : null}
      </div>
    </>
  );
}
