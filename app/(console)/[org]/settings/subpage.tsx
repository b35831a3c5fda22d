import Link from "next/link";
import type { ReactNode } from "react";
import { PageHeader } from "@/components/shell/page-header";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody, CardHeader } from "@/components/ui/card";

/** A settings sub-page's breadcrumb back to Settings, and its h1 with a description. */
export function SettingsSubpageHeader({ orgSlug, title, description }: { orgSlug: string; title: string; description: string }) {
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-[0.8125rem]">
        <ol className="flex min-w-0 items-center gap-1.5 text-zinc-500">
          <li>
            <Link href={`/${orgSlug}/settings`} className="rounded hover:text-zinc-900 hover:underline hover:underline-offset-2">
              Settings
            </Link>
          </li>
          <li aria-hidden="true" className="text-zinc-300">
            /
          </li>
          <li aria-current="page" className="min-w-0 truncate font-medium text-zinc-700">
            {title}
          </li>
        </ol>
      </nav>
      <PageHeader title={title} description={description} />
    </>
  );
}

/** What a settings sub-page shows instead of its content to a role without the permission. */
export function SettingsDenied({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <Card aria-labelledby={`${id}-title`}>
      <CardHeader titleId={`${id}-title`} title={title} />
      <CardBody>
        <Alert tone="info" live="none">
          {children}
        </Alert>
      </CardBody>
    </Card>
  );
}
