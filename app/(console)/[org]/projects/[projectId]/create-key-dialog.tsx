"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { createApiKeyAction } from "@/lib/api-keys/actions";
import type { ApiKeyScope } from "@/lib/api-keys/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { emptyDraft, focusFirstInvalid, formErrors, readDraft } from "./key-draft";
import { KeyFields } from "./key-fields";
import type { RevealedSecret } from "./secret-dialog";

interface CreateKeyProps {
  orgId: string;
  projectId: string;
  grantableScopes: readonly ApiKeyScope[];
  onCreated: (revealed: RevealedSecret) => void;
}

/** "Create API key" and its dialog. The form mounts only while open, so every opening starts clean. */
export function CreateKeyDialog(props: CreateKeyProps) {
  const [open, setOpen] = useState(false);
  // While the key is being created the dialog stays open: closing it would lose the only copy of the secret.
  const [busy, setBusy] = useState(false);
  const close = () => {
    if (!busy) setOpen(false);
  };
  return (
    <>
      <Button variant="primary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Create API key
      </Button>
      <Dialog
        open={open}
        onClose={close}
        title="Create an API key"
        description="The key lets an application call the gateway for this project. Restrictions can be changed later."
      >
        <CreateKeyForm {...props} onBusy={setBusy} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function CreateKeyForm({ orgId, projectId, grantableScopes, onCreated, onBusy, onClose }: CreateKeyProps & { onBusy: (busy: boolean) => void; onClose: () => void }) {
  const [draft, setDraft] = useState(emptyDraft);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const formRef = useRef<HTMLFormElement>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(createApiKeyAction, {
    onFailure: () => focusFirstInvalid(formRef.current),
    onSuccess: (key) => {
      onClose();
      onCreated({ kind: "created", name: key.name, secret: key.secret, previousSecretExpiresAt: null });
    },
  });
  const errors = { ...formErrors(fieldErrors), ...clientErrors };
  useEffect(() => onBusy(pending), [onBusy, pending]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const read = readDraft(draft);
    setClientErrors(read.errors ?? {});
    if (!read.values) return focusFirstInvalid(formRef.current);
    const { expiresAt, description, ...values } = read.values;
    run({ orgId, projectId, ...values, ...(description ? { description } : {}), expiresAt: expiresAt ?? null });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4">
      <KeyFields idPrefix="create-key" draft={draft} onChange={setDraft} errors={errors} grantableScopes={grantableScopes} />
      <FormError failure={failure} />
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" pending={pending}>
          Create key
        </Button>
      </div>
    </form>
  );
}
