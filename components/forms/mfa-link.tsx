"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** To the MFA check (or enrolment) and back to this page, for mfa_required and mfa_step_up_required. */
export function MfaLink({ children = "Verify with your authenticator" }: { children?: string }) {
  const pathname = usePathname();
  return (
    <Link href={`/mfa?next=${encodeURIComponent(pathname || "/")}`} className="font-medium underline underline-offset-2">
      {children}
    </Link>
  );
}
