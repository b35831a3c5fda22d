"use client";

import { useState, type FormEvent } from "react";
import { revokeApiKeyAction } from "@/lib/api-keys/actions";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { KeyRow } from "./key-draft";

interface RevokeProps {
  orgId: string;
  apiKey: KeyRow;
  onRevoked: (text: string) => void;
}

/** "Revoke" on a key's row, behind a confirmation that names the key. */
export function RevokeDialog(props: RevokeProps) {
  const [open, setOpen] = useState(false);
  const { apiKey } = props;
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={`Revoke ${apiKey.name}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
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
      >
        <RevokeForm {...props} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RevokeForm({ orgId, apiKey, onRevoked, onClose }: RevokeProps & { onClose: () => void }) {
  const { pending, run, failure } = useActionCall(revokeApiKeyAction, {
    onSuccess: (key) => {
      onClose();
      onRevoked(`${key.name} revoked.`);
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run({ orgId, projectId: apiKey.projectId, keyId: apiKey.id, confirm: true });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <FormError failure={failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="danger" pending={pending}>
          Revoke key
        </Button>
      </div>
    </form>
  );
}
