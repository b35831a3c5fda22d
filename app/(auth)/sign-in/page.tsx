import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { safeCallbackUrl, withCallback } from "@/app/callback-url";
import { optionalPageUser } from "@/lib/security/page";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await optionalPageUser()) redirect(callbackUrl);
  const error = typeof params.error === "string" ? params.error : null;

  return (
    <CenteredPage
      footer={
        <>
          New to Gatehouse?{" "}
          <Link href={withCallback("/sign-up", callbackUrl)} className="font-medium text-accent-700 hover:underline">
            Create an account
          </Link>
        </>
      }
    >
      <CenteredHeading title="Sign in" description="Enter your email. If your organisation signs in with single sign-on, you continue at its identity provider; otherwise with your password." />
      <SignInForm callbackUrl={callbackUrl} initialError={error} passwordOnly={params.method === "password"} />
    </CenteredPage>
  );
}
