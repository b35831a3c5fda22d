import type { Metadata } from "next";
import Link from "next/link";
import { mfaStatus, orgsRequiringMfa } from "@/lib/mfa/service";
import { listOrgsForUser } from "@/lib/orgs/service";
import { pageUser } from "@/lib/security/page";
import { Brand } from "@/components/shell/brand";
import { SignOutButton } from "@/components/shell/sign-out-button";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { DisableMfaForm, RegenerateCodesForm } from "./mfa-settings";

export const metadata: Metadata = { title: "Account security" };

const date = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" });

/** The signed-in user's own second factor: set up, recovery codes, turn off. */
export default async function AccountSecurityPage() {
  const user = await pageUser("/account/security");
  const [status, requiring, orgs] = await Promise.all([
    mfaStatus(user.principal.userId),
    orgsRequiringMfa(user.principal.userId),
    listOrgsForUser(user.principal.userId),
  ]);
  const back = orgs[0] ? `/${orgs[0].slug}/projects` : "/orgs/new";

  return (
    <div className="min-h-dvh">
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex h-14 max-w-3xl items-center gap-3 px-4 sm:px-6">
          <Brand href={back} compact />
          <div className="ml-auto flex items-center gap-3">
            <span className="hidden text-[0.8125rem] text-zinc-600 sm:inline">{user.principal.email}</span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-8 sm:px-6">
        <div className="space-y-1">
          <Link href={back} className="text-[0.8125rem] font-medium text-accent-700 hover:underline">
            ← Back to the console
          </Link>
          <h1 className="text-xl font-semibold tracking-tight text-zinc-900">Account security</h1>
        </div>

        <Card aria-labelledby="mfa-title">
          <CardHeader
            titleId="mfa-title"
            title="Two-factor authentication"
            description="A 6-digit code from an authenticator app, asked after your password and before sensitive actions."
            actions={status.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
          />
          <div className="space-y-3 px-5 py-4 text-[0.8125rem] text-zinc-700">
            {status.enabled ? (
              <p>
                On since {date.format(status.enabledAt!)}. {status.recoveryCodesLeft} of 10 recovery codes left.
              </p>
            ) : (
              <>
                <p>
                  {requiring.length > 0
                    ? `Required of you as an owner or admin of ${requiring.map((o) => o.name).join(", ")}.`
                    : "Needed for sensitive actions: provider keys, audit export and single sign-on settings."}
                </p>
                <Link href={`/mfa?next=${encodeURIComponent("/account/security")}`} className={buttonClasses("primary")}>
                  Set up two-factor authentication
                </Link>
              </>
            )}
          </div>
        </Card>

        {status.enabled ? (
          <>
            <Card aria-labelledby="recovery-title">
              <CardHeader titleId="recovery-title" title="Recovery codes" description="Ten single-use codes for when you lose your authenticator. New ones replace all earlier ones." />
              <div className="px-5 py-4">
                <RegenerateCodesForm />
              </div>
            </Card>
            <Card aria-labelledby="disable-title" tone="danger">
              <CardHeader tone="danger" titleId="disable-title" title="Turn off two-factor authentication" />
              <div className="space-y-3 px-5 py-4 text-[0.8125rem] text-zinc-700">
                {requiring.length > 0 ? (
                  <p>
                    It cannot be turned off while {requiring.map((o) => o.name).join(", ")} {requiring.length === 1 ? "requires" : "require"} it of you as an owner or admin. Lost your
                    authenticator and your recovery codes? An operator can reset it.
                  </p>
                ) : (
                  <DisableMfaForm />
                )}
              </div>
            </Card>
          </>
        ) : null}
      </main>
    </div>
  );
}
