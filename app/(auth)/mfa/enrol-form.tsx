"use client";

import { CodeField } from "@/components/mfa/code-field";
import { FormError } from "@/components/forms/form-error";
import { useActionForm } from "@/components/forms/use-action-form";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { confirmEnrolmentAction } from "@/lib/mfa/actions";

const grouped = (secret: string) => secret.match(/.{1,4}/g)?.join(" ") ?? secret;

/** Enrolment: scan the QR code (or type the key), confirm with the first code; the recovery codes go to `onEnrolled`. */
export function EnrolForm({ secret, qrDataUrl, onEnrolled }: { secret: string; qrDataUrl: string; onEnrolled: (codes: string[]) => void }) {
  const { formRef, onSubmit, fieldError, failure, pending } = useActionForm(confirmEnrolmentAction, { refresh: false, onSuccess: (data) => onEnrolled(data.recoveryCodes) });

  return (
    <div className="space-y-5">
      <ol className="list-decimal space-y-4 pl-5 text-[0.8125rem] text-zinc-700 marker:text-zinc-400">
        <li className="space-y-3">
          <p>Scan this QR code with an authenticator app (1Password, Google Authenticator, Microsoft Authenticator, Authy…).</p>
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL rendered on the server */}
          <img src={qrDataUrl} alt="QR code to add Gatehouse to your authenticator app" width={176} height={176} className="rounded-md border border-zinc-200" />
          <div className="space-y-1.5">
            <p>Cannot scan it? Enter this key in the app instead:</p>
            <div className="flex flex-wrap items-center gap-2">
              <code data-testid="mfa-secret" className="rounded bg-zinc-100 px-2 py-1 font-mono text-xs tracking-wide text-zinc-900">
                {grouped(secret)}
              </code>
              <CopyButton value={secret} label="Copy setup key" variant="ghost" size="sm" />
            </div>
          </div>
        </li>
        <li>
          <p className="mb-2">Enter the 6-digit code the app shows.</p>
          <form ref={formRef} onSubmit={onSubmit} noValidate className="space-y-4">
            <FormError failure={fieldError("code") ? null : failure} />
            <CodeField id="mfa-enrol-code" label="Code from the app" error={fieldError("code")} />
            <Button type="submit" variant="primary" pending={pending} className="w-full">
              Turn on two-factor authentication
            </Button>
          </form>
        </li>
      </ol>
    </div>
  );
}
