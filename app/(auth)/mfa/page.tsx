import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { safeCallbackUrl } from "@/app/callback-url";
import { mfaStatus, orgsRequiringMfa, pendingEnrolment } from "@/lib/mfa/service";
import { pageUser } from "@/lib/security/page";
import { CenteredPage } from "@/components/shell/centered-page";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { MfaDoor } from "./mfa-door";

export const metadata: Metadata = { title: "Two-factor authentication" };

/** Where to go afterwards: a same-origin path, never this page itself. */
function nextOf(raw: unknown): string {
  const next = safeCallbackUrl(raw);
  return /^\/mfa(\/|\?|$)/.test(next) ? "/" : next;
}

/**
 * The MFA door. With MFA enabled: enter a code (or a recovery code) and the
 * session is re-issued with `mfaAt`. Without it: enrol. Right after a password
 * sign-in (`after=sign-in`) a user without MFA, whom no org requires it of,
 * goes straight on.
 */
export default async function MfaPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const next = nextOf(params.next);
  const afterSignIn = params.after === "sign-in";
  const user = await pageUser(`/mfa?next=${encodeURIComponent(next)}`);
  const status = await mfaStatus(user.principal.userId);
  const footer = (
    <div className="flex flex-wrap items-center justify-center gap-x-3 gap-y-1">
      <span>
        Signed in as <span className="font-medium text-zinc-800">{user.principal.email}</span>
      </span>
      <span aria-hidden="true" className="text-zinc-300">
        ·
      </span>
      <SignOutButton />
    </div>
  );

  if (status.enabled) {
    return (
      <CenteredPage wide footer={footer}>
        <MfaDoor mode="verify" next={next} />
      </CenteredPage>
    );
  }

  const requiring = await orgsRequiringMfa(user.principal.userId);
  if (afterSignIn && requiring.length === 0) redirect(next);
  const enrolment = await pendingEnrolment(user.principal);
  const why =
    requiring.length > 0
      ? `${requiring.map((org) => org.name).join(", ")} ${requiring.length === 1 ? "requires" : "require"} two-factor authentication of owners and admins.`
      : "Sensitive actions (provider keys, audit export, single sign-on settings) need a recent two-factor check.";
  const qrDataUrl = `data:image/svg+xml;base64,${Buffer.from(enrolment.qrSvg).toString("base64")}`;
  return (
    <CenteredPage wide footer={footer}>
      <MfaDoor mode="enrol" next={next} why={why} secret={enrolment.secret} qrDataUrl={qrDataUrl} />
    </CenteredPage>
  );
}
