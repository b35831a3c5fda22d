import type { Metadata } from "next";
import Link from "next/link";
import { listOrgsForUser } from "@/lib/orgs/service";
import { pageUser } from "@/lib/security/page";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { CreateOrgForm } from "./create-org-form";

export const metadata: Metadata = { title: "New organisation" };

export default async function NewOrgPage() {
  const user = await pageUser("/orgs/new");
  const orgs = await listOrgsForUser(user.principal.userId);
  const first = orgs[0];

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
          {first ? (
            <>
              <Link href={`/${first.slug}/projects`} className="font-medium text-accent-700 hover:underline">
                Back to {first.name}
              </Link>
              <span aria-hidden="true" className="text-zinc-300">
                ·
              </span>
            </>
          ) : null}
          <SignOutButton />
        </div>
      }
    >
      <CenteredHeading
        title="Create an organisation"
        description={
          first
            ? "A separate workspace with its own projects, members, keys and audit log. You will be its owner."
            : "Organisations hold your projects, members, keys and audit log. You will be its owner. Waiting for an invitation instead? Open the link you were sent."
        }
      />
      <CreateOrgForm />
    </CenteredPage>
  );
}
