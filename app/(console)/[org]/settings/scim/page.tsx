import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { listGroupsForConsole } from "@/lib/scim/groups";
import { SCIM_BASE_PATH, scimGroupDto, scimSettingsDto, scimTokenDto } from "@/lib/scim/schemas";
import { getScimSettings } from "@/lib/scim/settings";
import { listScimTokens } from "@/lib/scim/tokens";
import { orgPage } from "@/lib/security/page";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { SettingsDenied, SettingsSubpageHeader } from "../subpage";
import { ScimGroupsSection } from "./scim-groups-section";
import { ScimPolicyForm } from "./scim-policy-form";
import { ScimTokensSection } from "./scim-tokens-section";

export const metadata: Metadata = { title: "SCIM provisioning" };

const DESCRIPTION =
  "Your identity provider (Okta, Entra ID) creates, updates and deprovisions members through SCIM 2.0. Every change is recorded in the audit log.";

/** The SCIM base URL to paste into the IdP: the configured public URL, else this request's own origin. */
async function scimBaseUrl(): Promise<string> {
  const configured = env().NEXTAUTH_URL;
  if (configured) return `${new URL(configured).origin}${SCIM_BASE_PATH}`;
  const headerStore = await headers();
  const host = headerStore.get("x-forwarded-host") ?? headerStore.get("host") ?? "localhost:3000";
  const proto = headerStore.get("x-forwarded-proto") ?? (host.startsWith("localhost") || host.startsWith("127.") ? "http" : "https");
  return `${proto}://${host}${SCIM_BASE_PATH}`;
}

export default async function ScimSettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug, "org.read");

  if (!ctx.permissions.has("scim.manage")) {
    return (
      <>
        <SettingsSubpageHeader orgSlug={ctx.orgSlug} title="SCIM provisioning" description={DESCRIPTION} />
        <SettingsDenied id="scim-denied" title="SCIM provisioning">
          Only admins and owners can see and change SCIM provisioning.
        </SettingsDenied>
      </>
    );
  }

  const [tokens, settings, groups, verifiedDomains, baseUrl] = await Promise.all([
    listScimTokens(ctx.orgId),
    getScimSettings(ctx.orgId),
    listGroupsForConsole(ctx.orgId),
    db.orgDomain.count({ where: { orgId: ctx.orgId, verifiedDomain: { not: null } } }),
    scimBaseUrl(),
  ]);

  return (
    <>
      <SettingsSubpageHeader orgSlug={ctx.orgSlug} title="SCIM provisioning" description={DESCRIPTION} />
      <div className="space-y-6">
        {verifiedDomains === 0 ? (
          <Alert tone="warning" live="none" title="No verified domain">
            SCIM can provision any email address into this organisation until it verifies a domain. Once it has one, only addresses in its verified
            domains are accepted.{" "}
            {ctx.permissions.has("sso.manage") ? (
              <Link href={`/${ctx.orgSlug}/settings/sso`} className="font-medium underline underline-offset-2">
                Verify a domain
              </Link>
            ) : null}
          </Alert>
        ) : null}
        <ScimTokensSection orgId={ctx.orgId} baseUrl={baseUrl} tokens={tokens.map((token) => scimTokenDto.parse(token))} />
        <Card aria-labelledby="scim-policy-title">
          <CardHeader
            titleId="scim-policy-title"
            title="Provisioning policy"
            description="The role of members no mapped group covers, and what deprovisioning does to the API keys a member created."
          />
          <CardBody>
            <ScimPolicyForm orgId={ctx.orgId} settings={scimSettingsDto.parse(settings)} />
          </CardBody>
        </Card>
        <ScimGroupsSection orgId={ctx.orgId} groups={groups.map((group) => scimGroupDto.parse(group))} />
      </div>
    </>
  );
}
