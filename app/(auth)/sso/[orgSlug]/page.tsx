import type { Metadata } from "next";
import Link from "next/link";
import { safeCallbackUrl } from "@/app/callback-url";
import { startableConnections } from "@/lib/sso/sign-in-connections";
import { oidcProviderId, samlStartPath } from "@/lib/sso/urls";
import { CenteredHeading, CenteredPage } from "@/components/shell/centered-page";
import { Alert } from "@/components/ui/alert";
import { SsoStart, type StartTarget } from "./sso-start";

export const metadata: Metadata = { title: "Single sign-on" };

/** What a refused or failed SSO sign-in tells the user (the audit log has the details). */
const ERRORS: Record<string, string> = {
  email_domain_not_verified: "Your identity provider signed you in with an email whose domain this organisation has not verified. Ask its administrator.",
  email_missing: "Your identity provider did not share your email address with Gatehouse.",
  email_not_verified: "Your identity provider says your email address is not verified.",
  membership_suspended: "Your access to this organisation is suspended. Ask its administrator.",
  account_disabled: "This account is disabled. Contact your organisation's administrator.",
  connection_unavailable: "This single sign-on connection is not available any more.",
  issuer_mismatch: "The sign-in came from another identity provider than this organisation's.",
  response_for_another_connection: "That sign-in response was meant for another identity provider connection and was refused.",
  missing_sign_in_state: "The sign-in expired or was started in another browser. Start again.",
  state_mismatch: "The sign-in response did not match the sign-in that was started. Start again.",
  code_rejected: "The identity provider refused the sign-in code. Start again.",
  id_token_invalid: "The identity provider's answer could not be verified.",
  idp_error: "The identity provider reported an error.",
  start_failed: "The identity provider could not be reached. Try again in a moment.",
};
const FALLBACK = "Single sign-on did not complete. Start again.";

/**
 * /sso/{orgSlug}: start SSO with an org. One enabled connection (or the one
 * named by `?connection=`): straight to its IdP. Several: a choice. After a
 * failure (`?error=`): the reason, and a button to start again.
 */
export default async function SsoPage({ params, searchParams }: { params: Promise<{ orgSlug: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { orgSlug } = await params;
  const query = await searchParams;
  const callbackUrl = safeCallbackUrl(query.callbackUrl, `/${orgSlug}`);
  const error = typeof query.error === "string" ? query.error : null;
  const wanted = typeof query.connection === "string" ? query.connection : null;
  const org = await startableConnections(orgSlug);
  const footer = (
    <div className="space-y-1">
      <p>
        Not your organisation?{" "}
        <Link href="/sign-in" className="font-medium text-accent-700 hover:underline">
          Sign in another way
        </Link>
      </p>
      <p>
        <Link href={`/sign-in?method=password&callbackUrl=${encodeURIComponent(callbackUrl)}`} className="text-zinc-500 hover:underline">
          Sign in with a password instead
        </Link>
      </p>
    </div>
  );

  if (!org || org.connections.length === 0) {
    return (
      <CenteredPage footer={footer}>
        <CenteredHeading title="Single sign-on" />
        <Alert tone="info" live="none">
          Single sign-on is not set up for this organisation.
        </Alert>
      </CenteredPage>
    );
  }

  const chosen = wanted ? org.connections.filter((c) => c.id === wanted) : [];
  const offered = chosen.length ? chosen : org.connections;
  const targets: StartTarget[] = offered.map((c) => ({
    id: c.id,
    name: c.name,
    protocol: c.protocol,
    action: c.protocol === "OIDC" ? `/api/auth/signin/${oidcProviderId(c.id)}` : samlStartPath(c.id),
  }));

  return (
    <CenteredPage footer={footer}>
      <CenteredHeading title={`Sign in to ${org.orgName}`} description="With your organisation's identity provider." />
      <div className="space-y-4">
        {error ? <Alert tone="error">{ERRORS[error] ?? FALLBACK}</Alert> : null}
        <SsoStart targets={targets} callbackUrl={callbackUrl} auto={!error} />
      </div>
    </CenteredPage>
  );
}
