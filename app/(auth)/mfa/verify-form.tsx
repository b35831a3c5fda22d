"use client";

import { useState } from "react";
import { CodeField } from "@/components/mfa/code-field";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { verifyMfaAction } from "@/lib/mfa/actions";

/** The MFA check: a current code (or a recovery code), then on to where the user was going. */
export function VerifyForm({ onVerified }: { onVerified: () => void }) {
  const [recoveryLeft, setRecoveryLeft] = useState<number | null>(null);
  const { formRef, onSubmit, fieldError, failure, pending } = useActionForm(verifyMfaAction, {
    refresh: false,
    onSuccess: (data) => {
      if (data.method === "recovery_code") {
        setRecoveryLeft(data.recoveryCodesLeft ?? 0);
        return;
      }
      onVerified();
    },
  });

  if (recoveryLeft !== null) {
    return (
      <div className="space-y-4">
        <Alert tone={recoveryLeft <= 3 ? "warning" : "success"} title="Recovery code accepted">
          That code cannot be used again. You have {recoveryLeft} recovery {recoveryLeft === 1 ? "code" : "codes"} left
          {recoveryLeft <= 3 ? ": generate new ones under Account security once you have your authenticator back." : "."}
        </Alert>
        <Button
          variant="primary"
          className="w-full"
          onClick={onVerified}
        >
          Continue
        </Button>
      </div>
    );
  }

  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
      <FormError failure={fieldError("code") ? null : failure} />
      <CodeField id="mfa-code" allowRecovery error={fieldError("code")} hint="Lost your device? Enter one of your recovery codes instead." />
      <Button type="submit" variant="primary" pending={pending} className="w-full">
        Verify
      </Button>
    </form>
  );
}
