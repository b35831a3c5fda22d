import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { previewInvitation } from "@/lib/members/invitations";
import { withCallback } from "@/app/callback-url";
import { optionalPageUser } from "@/lib/security/page";
import { formatDateTime } from "@/components/format";
import { RoleBadge, ROLE_SUMMARIES } from "@/components/roles";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { Alert } from "@/components/ui/alert";
import { buttonClasses } from "@/components/ui/button";
import { AcceptInvitationForm } from "./accept-form";

export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex items-baseline justify-between gap-4 py-2.5">
      <dt className="text-zinc-500">{term}</dt>
      <dd className="min-w-0 text-right font-medium break-words text-zinc-900">{children}</dd>
    </div>
  );
}

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, user] = await Promise.all([previewInvitation(token), optionalPageUser()]);
  const here = `/invite/${encodeURIComponent(token)}`;

  if (!invitation) {
    return (
      <CenteredPage>
        <CenteredHeading
          title="This invitation cannot be used"
          description="The link is invalid, has expired, was revoked, or has already been used. Each invitation link works once. Ask the person who invited you to send a new one."
        />
        <Link href={user ? "/" : "/sign-in"} className={buttonClasses("secondary", "md", "w-full")}>
          {user ? "Go to the console" : "Sign in"}
        </Link>
      </CenteredPage>
    );
  }

  const matches = user?.email.toLowerCase() === invitation.email.toLowerCase();

  return (
    <CenteredPage wide>
      <CenteredHeading
        title={`Join ${invitation.orgName}`}
        description={`${invitation.invitedBy ?? "An administrator"} invited you to this organisation on Gatehouse.`}
      />
      <dl className="mb-6 divide-y divide-zinc-100 rounded-lg border border-zinc-200 px-4 text-[0.8125rem]">
        <Detail term="Organisation">{invitation.orgName}</Detail>
        <Detail term="Role">
          <span className="inline-flex flex-col items-end gap-1">
            <RoleBadge role={invitation.role} />
            <span className="text-xs font-normal text-zinc-500">{ROLE_SUMMARIES[invitation.role]}</span>
          </span>
        </Detail>
        <Detail term="Invited email">{invitation.email}</Detail>
        <Detail term="Invited by">{invitation.invitedBy ?? "A former member"}</Detail>
        <Detail term="Expires">
          <time dateTime={invitation.expiresAt.toISOString()}>{formatDateTime(invitation.expiresAt)}</time>
        </Detail>
      </dl>

      {!user ? (
        <div className="space-y-3">
          <p className="text-[0.8125rem] text-zinc-600">
            Sign in as <span className="font-medium text-zinc-900">{invitation.email}</span> to accept, or create an account with that email.
          </p>
          <div className="grid gap-2 sm:grid-cols-2">
            <Link href={withCallback("/sign-in", here)} className={buttonClasses("primary")}>
              Sign in to accept
            </Link>
            <Link href={withCallback("/sign-up", here)} className={buttonClasses("secondary")}>
              Create an account
            </Link>
          </div>
        </div>
      ) : matches ? (
        <AcceptInvitationForm token={token} />
      ) : (
        <div className="space-y-4">
          <Alert tone="warning" title="Signed in with a different email" live="none">
            You are signed in as <strong>{user.email}</strong>, but this invitation is for <strong>{invitation.email}</strong>. Sign out, then sign in
            with the invited address.
          </Alert>
          <div className="flex justify-end">
            <SignOutButton variant="secondary" size="md" callbackUrl={withCallback("/sign-in", here)} />
          </div>
        </div>
      )}
    </CenteredPage>
  );
}
