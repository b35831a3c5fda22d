import Link from "next/link";
import type { ReactNode } from "react";
import { listOrgsForUser } from "@/lib/orgs/service";
import { orgPage } from "@/lib/security/page";
import { ConsoleNav } from "@/components/console/console-nav";
import { OrgSwitcher } from "@/components/console/org-switcher";
import { RoleBadge } from "@/components/roles";
import { Brand } from "@/components/shell/brand";
import { SignOutButton } from "@/components/shell/sign-out-button";

export default async function ConsoleLayout({ children, params }: { children: ReactNode; params: Promise<{ org: string }> }) {
  const { org: slug } = await params;
  const ctx = await orgPage(slug);
  const orgs = await listOrgsForUser(ctx.principal.userId);

  return (
    <div className="min-h-dvh">
      <a
        href="#main"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium text-zinc-900 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-2 px-4 sm:gap-3 sm:px-6">
          <Brand href={`/${ctx.orgSlug}/projects`} compact />
          <span aria-hidden="true" className="text-lg font-light text-zinc-300">
            /
          </span>
          <OrgSwitcher orgs={orgs.map((org) => ({ slug: org.slug, name: org.name }))} current={ctx.orgSlug} />
          <div className="ml-auto flex min-w-0 items-center gap-3">
            <div className="flex min-w-0 items-center gap-2 [&>:last-child]:shrink-0">
              <Link href="/account/security" className="hidden truncate text-[0.8125rem] text-zinc-600 hover:text-zinc-900 hover:underline sm:inline" title={`${ctx.principal.email}: account security`}>
                {ctx.principal.email}
              </Link>
              <RoleBadge role={ctx.role} />
            </div>
            <span aria-hidden="true" className="hidden h-5 w-px bg-zinc-200 sm:block" />
            <SignOutButton />
          </div>
        </div>
        <div className="mx-auto max-w-6xl px-2 sm:px-4">
          <ConsoleNav orgSlug={ctx.orgSlug} permissions={[...ctx.permissions]} />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-6xl px-4 py-8 outline-none sm:px-6">
        {children}
      </main>
    </div>
  );
}
