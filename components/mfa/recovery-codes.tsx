"use client";

import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";

/** The recovery codes, shown once: a list to copy or write down. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="space-y-3">
      <Alert tone="warning" live="none" title="Save your recovery codes now">
        Each code signs you in once if you lose your authenticator. They are shown only this once: store them somewhere safe, such as a password manager.
      </Alert>
      <ol aria-label="Recovery codes" className="grid grid-cols-2 gap-x-6 gap-y-1.5 rounded-md bg-zinc-50 px-4 py-3 font-mono text-sm text-zinc-900">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ol>
      <CopyButton value={codes.join("\n")} label="Copy recovery codes" variant="secondary" size="sm" />
    </div>
  );
}
