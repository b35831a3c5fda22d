import type { Metadata } from "next";
import { orgPage } from "@/lib/security/page";
import { listConnections } from "@/lib/sso/connections";
import { listDomains } from "@/lib/sso/domains";
import { connectionDto, domainDto } from "@/lib/sso/schemas";
import { SettingsDenied, SettingsSubpageHeader } from "../subpage";
import { ConnectionsSection } from "./connections-section";
import { DomainsSection } from "./domains-section";

export const metadata: Metadata = { title: "Single sign-on" };

const DESCRIPTION =
  "Verified email domains send their users to your identity provider at sign-in. Every change is recorded in the audit log.";

export default async function SsoSettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug, "org.read");

  if (!ctx.permissions.has("sso.manage")) {
    return (
      <>
        <SettingsSubpageHeader orgSlug={ctx.orgSlug} title="Single sign-on" description={DESCRIPTION} />
        <SettingsDenied id="sso-denied" title="Single sign-on">
          Only admins and owners can see and change single sign-on.
        </SettingsDenied>
      </>
    );
  }

  const [domains, connections] = await Promise.all([listDomains(ctx), listConnections(ctx)]);
  return (
    <>
      <SettingsSubpageHeader orgSlug={ctx.orgSlug} title="Single sign-on" description={DESCRIPTION} />
      <div className="space-y-6">
        <DomainsSection orgId={ctx.orgId} domains={domains.map((d) => domainDto.parse(d))} />
        <ConnectionsSection orgId={ctx.orgId} connections={connections.map((c) => connectionDto.parse(c))} />
      </div>
    </>
  );
}
