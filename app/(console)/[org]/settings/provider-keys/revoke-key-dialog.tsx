"use client";

import { useState, type FormEvent } from "react";
import { revokeProviderKeyAction } from "@/lib/vault/actions";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { PROVIDER_LABELS, scopePhrase, type ProviderKeyRow } from "./key-draft";

interface RevokeProps {
  orgId: string;
  providerKey: ProviderKeyRow;
  onRevoked: (text: string) => void;
}

/** "Revoke" on a key's row, behind a confirmation naming the provider, the label and the fingerprint. */
export function RevokeKeyDialog(props: RevokeProps) {
  const [open, setOpen] = useState(false);
  const { providerKey } = props;
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={`Revoke ${providerKey.label}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
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
      >
        <RevokeKeyForm {...props} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RevokeKeyForm({ orgId, providerKey, onRevoked, onClose }: RevokeProps & { onClose: () => void }) {
  const { pending, run, failure } = useActionCall(revokeProviderKeyAction, {
    onSuccess: (key) => {
      onClose();
      onRevoked(`${key.label} revoked.`);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run({ orgId, providerKeyId: providerKey.id, confirm: true });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError failure={failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="danger" pending={pending}>
          Revoke provider key
        </Button>
      </div>
    </form>
  );
}
