import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/lib/db/client";
import { pageUser } from "@/lib/security/page";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { buttonClasses } from "@/components/ui/button";

export const metadata: Metadata = { title: "Single sign-on required" };

/**
 * Where the console sends a session an org's enforced SSO does not admit: the
 * way in through the org's identity provider and, for its owners, the
 * audited break-glass (password + MFA). Shown only to active members, so it
 * reveals nothing about other orgs.
 */
export default async function SsoRequiredPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const slug = typeof params.org === "string" ? params.org : "";
  const user = await pageUser(`/sso-required?org=${encodeURIComponent(slug)}`);
  const membership = await db.membership.findFirst({
    where: { userId: user.principal.userId, status: "ACTIVE", org: { slug, deletedAt: null } },
    select: { role: true, org: { select: { name: true, slug: true } } },
  });
  if (!membership) notFound();
  const { org } = membership;

  return (
    <CenteredPage
      footer={
        <div className="flex flex-wrap items-center justify-center gap-x-3 gap-y-1">
          <span>
            Signed in as <span className="font-medium text-zinc-800">{user.principal.email}</span>
          </span>
          <span aria-hidden="true" className="text-zinc-300">
            ·
          </span>
          <SignOutButton />
        </div>
      }
    >
      <CenteredHeading title="Single sign-on required" description={`${org.name} requires you to sign in through its identity provider. Your current session did not come from it.`} />
      <div className="space-y-4">
        <Link href={`/sso/${encodeURIComponent(org.slug)}`} className={buttonClasses("primary", "md", "w-full")}>
          Continue with single sign-on
        </Link>
        {membership.role === "OWNER" ? (
          <p className="text-[0.8125rem] leading-relaxed text-zinc-600">
            Owner locked out of the identity provider? Break-glass: owners who verify{" "}
            <Link href={`/mfa?next=${encodeURIComponent(`/${org.slug}`)}`} className="font-medium text-accent-700 hover:underline">
              two-factor authentication
            </Link>{" "}
            may enter with their password. Every such entry is recorded in the audit log.
          </p>
        ) : null}
      </div>
    </CenteredPage>
  );
}
