"use client";

import { useState } from "react";
import { CodeField } from "@/components/mfa/code-field";
import { RecoveryCodes } from "@/components/mfa/recovery-codes";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { disableMfaAction, regenerateRecoveryCodesAction } from "@/lib/mfa/actions";

/** New recovery codes (with a current code): the old ones stop working. */
export function RegenerateCodesForm() {
  const [codes, setCodes] = useState<string[] | null>(null);
  const { formRef, onSubmit, fieldError, failure, pending } = useActionForm(regenerateRecoveryCodesAction, { onSuccess: (data) => setCodes(data.recoveryCodes) });
  if (codes) return <RecoveryCodes codes={codes} />;
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="max-w-sm space-y-3">
      <FormError failure={fieldError("code") ? null : failure} />
      <CodeField id="regenerate-code" label="Current code from your app" error={fieldError("code")} />
      <Button type="submit" pending={pending}>
        Generate new recovery codes
      </Button>
    </form>
  );
}

/** Turn MFA off (with a current code); the server refuses while an org requires it. */
export function DisableMfaForm() {
  const { formRef, onSubmit, fieldError, failure, pending } = useActionForm(disableMfaAction);
  return (
    <form ref={formRef} onSubmit={onSubmit} noValidate className="max-w-sm space-y-3">
      <FormError failure={fieldError("code") ? null : failure} />
      <CodeField id="disable-code" label="Current code from your app" error={fieldError("code")} />
      <Button type="submit" variant="danger" pending={pending}>
        Turn off two-factor authentication
      </Button>
    </form>
  );
}
