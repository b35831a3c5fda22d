import Link from "next/link";
import type { ActionResult } from "@/lib/security/org-action";
import { Alert } from "@/components/ui/alert";
import { MfaLink } from "./mfa-link";

const SIGNED_OUT = new Set(["unauthenticated", "session_expired", "account_disabled"]);
const NEEDS_MFA = new Set(["mfa_required", "mfa_step_up_required"]);

/** The form-level error of the last attempt (role="alert"), or nothing. */
export function FormError({ failure, className }: { failure: Extract<ActionResult<unknown>, { ok: false }> | null; className?: string }) {
  if (!failure) return null;
  return (
    <Alert tone="error" className={className}>
      {failure.message}
      {SIGNED_OUT.has(failure.code) ? (
        <>
          {" "}
          <Link href="/sign-in" className="font-medium underline underline-offset-2">
            Sign in again
          </Link>
        </>
      ) : null}
      {NEEDS_MFA.has(failure.code) ? (
        <>
          {" "}
          <MfaLink />
        </>
      ) : null}
    </Alert>
  );
}

/** Hidden inputs for the ids an action needs (orgId, projectId, …). */
export function HiddenFields({ fields }: { fields: Record<string, string> }) {
  return (
    <>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
    </>
  );
}
