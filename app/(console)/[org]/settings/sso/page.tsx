import type { Metadata } from "next";
import Link from "next/link";
import { orgPage } from "@/lib/security/page";
import { listConnections } from "@/lib/sso/connections";
import { listDomains } from "@/lib/sso/domains";
import { connectionDto, domainDto } from "@/lib/sso/schemas";
import { PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ConnectionsSection } from "./connections-section";
import { DomainsSection } from "./domains-section";

export const metadata: Metadata = { title: "Single sign-on" };

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
            Single sign-on
          </li>
        </ol>
      </nav>
      <PageHeader
        title="Single sign-on"
        description="Verified email domains send their users to your identity provider at sign-in. Every change is recorded in the audit log."
      />
    </>
  );
}

export default async function SsoSettingsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug, "org.read");
  const settingsHref = `/${ctx.orgSlug}/settings`;

  if (!ctx.permissions.has("sso.manage")) {
    return (
      <>
        <Header settingsHref={settingsHref} />
        <Card aria-labelledby="sso-denied-title">
          <CardHeader titleId="sso-denied-title" title="Single sign-on" />
          <CardBody>
            <Alert tone="info" live="none">
              Only admins and owners can see and change single sign-on.
            </Alert>
          </CardBody>
        </Card>
      </>
    );
  }

  const [domains, connections] = await Promise.all([listDomains(ctx), listConnections(ctx)]);
  return (
    <>
      <Header settingsHref={settingsHref} />
      <div className="space-y-6">
        <DomainsSection orgId={ctx.orgId} domains={domains.map((d) => domainDto.parse(d))} />
        <ConnectionsSection orgId={ctx.orgId} connections={connections.map((c) => connectionDto.parse(c))} />
      </div>
    </>
  );
}
