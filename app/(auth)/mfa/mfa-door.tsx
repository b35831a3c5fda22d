"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { RecoveryCodes } from "@/components/mfa/recovery-codes";
import { CenteredHeading } from "@/components/shell/centered-page";
import { Button } from "@/components/ui/button";
import { EnrolForm } from "./enrol-form";
import { VerifyForm } from "./verify-form";

export type MfaDoorProps =
  | { mode: "verify"; next: string }
  | { mode: "enrol"; next: string; why: string; secret: string; qrDataUrl: string };

/**
 * The /mfa page's client side, one component for both modes: a successful
 * check re-issues the session cookie, and Next then re-renders the page (now
 * in "verify" mode); this component, its state and the mode it began in stay
 * in place, so the enrolment's result and its recovery codes survive that.
 */
export function MfaDoor(initial: MfaDoorProps) {
  const router = useRouter();
  // The mode this visit began in: the re-render after enrolment must not swap the enrol form out under its own result.
  const [props] = useState(initial);
  const [codes, setCodes] = useState<string[] | null>(null);
  const proceed = () => {
    router.replace(props.next);
    router.refresh();
  };

  if (codes) {
    return (
      <>
        <CenteredHeading title="Two-factor authentication is on" description="From now on, signing in and sensitive actions ask for a code from your app." />
        <div className="space-y-5">
          <RecoveryCodes codes={codes} />
          <Button variant="primary" className="w-full" onClick={proceed}>
            I have saved my recovery codes, continue
          </Button>
        </div>
      </>
    );
  }
  if (props.mode === "enrol") {
    return (
      <>
        <CenteredHeading title="Set up two-factor authentication" description={`${props.why} Set it up once; afterwards you enter a code from your app when asked.`} />
        <EnrolForm secret={props.secret} qrDataUrl={props.qrDataUrl} onEnrolled={setCodes} />
      </>
    );
  }
  return (
    <>
      <CenteredHeading title="Two-factor authentication" description="Enter the 6-digit code from your authenticator app to continue." />
      <VerifyForm onVerified={proceed} />
    </>
  );
}
