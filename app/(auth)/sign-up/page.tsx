import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackUrl, withCallback } from "@/app/callback-url";
import { optionalPageUser } from "@/lib/security/page";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";
import { SignUpForm } from "./sign-up-form";

export const metadata: Metadata = { title: "Create an account" };

export default async function SignUpPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await optionalPageUser()) redirect(callbackUrl);

  return (
    <CenteredPage
      footer={
        <>
          Already have an account?{" "}
          <Link href={withCallback("/sign-in", callbackUrl)} className="font-medium text-accent-700 hover:underline">
            Sign in
          </Link>
        </>
      }
    >
      <CenteredHeading
        title="Create your account"
        description={
          callbackUrl.startsWith("/invite/")
            ? "Use the email address your invitation was sent to."
            : "Then create an organisation, or accept an invitation to join one."
        }
      />
      <SignUpForm callbackUrl={callbackUrl} />
    </CenteredPage>
  );
}
