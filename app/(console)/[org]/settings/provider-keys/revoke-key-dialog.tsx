"use client";

import { revokeProviderKeyAction } from "@/lib/vault/actions";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { PROVIDER_LABELS, scopePhrase, type ProviderKeyRow } from "./key-draft";

interface RevokeProps {
  orgId: string;
  providerKey: ProviderKeyRow;
  onRevoked: (text: string) => void;
}

/** "Revoke" on a key's row, behind a confirmation naming the provider, the label and the fingerprint. */
export function RevokeKeyDialog({ orgId, providerKey, onRevoked }: RevokeProps) {
  return (
    <ConfirmDialog
      trigger={{ label: "Revoke", ariaLabel: `Revoke ${providerKey.label}`, variant: "ghost" }}
      title={`Revoke ${providerKey.label}?`}
      description={
        <>
          The {PROVIDER_LABELS[providerKey.provider]} key <strong className="font-medium text-zinc-900">{providerKey.label}</strong> (
          for {scopePhrase(providerKey)}, fingerprint{" "}
          <code className="text-xs">{providerKey.fingerprint}</code>, ending <code className="text-xs">…{providerKey.last4}</code>) is erased from the vault
          and stops being used at once. Requests that relied on it fail until another key is added. This cannot be undone, and it does not revoke the key at
          the provider.
        </>
      }
      confirmLabel="Revoke provider key"
      action={revokeProviderKeyAction}
      input={{ orgId, providerKeyId: providerKey.id, confirm: true }}
      onSuccess={(key) => onRevoked(`${key.label} revoked.`)}
    />
  );
}
