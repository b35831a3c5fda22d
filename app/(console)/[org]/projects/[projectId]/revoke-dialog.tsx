"use client";

import { revokeApiKeyAction } from "@/lib/api-keys/actions";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { KeyRow } from "./key-draft";

interface RevokeProps {
  orgId: string;
  apiKey: KeyRow;
  onRevoked: (text: string) => void;
}

/** "Revoke" on a key's row, behind a confirmation that names the key. */
export function RevokeDialog({ orgId, apiKey, onRevoked }: RevokeProps) {
  return (
    <ConfirmDialog
      trigger={{ label: "Revoke", ariaLabel: `Revoke ${apiKey.name}`, variant: "ghost" }}
      title={`Revoke ${apiKey.name}?`}
      description={
        <>
          Every secret of <strong className="font-medium text-zinc-900">{apiKey.name}</strong> (
          <code className="text-xs">
            {apiKey.prefix}…{apiKey.last4}
          </code>
          ) stops working within seconds, including any still in a rotation grace window. This cannot be undone: applications using it need a new key.
        </>
      }
      confirmLabel="Revoke key"
      action={revokeApiKeyAction}
      input={{ orgId, projectId: apiKey.projectId, keyId: apiKey.id, confirm: true }}
      onSuccess={(key) => onRevoked(`${key.name} revoked.`)}
    />
  );
}
