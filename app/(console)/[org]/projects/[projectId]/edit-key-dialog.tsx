"use client";

import { useRef, useState, type FormEvent } from "react";
import { updateApiKeyAction } from "@/lib/api-keys/actions";
import type { ApiKeyScope } from "@/lib/api-keys/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { draftFromKey, focusFirstInvalid, formErrors, patchFrom, readDraft, type KeyRow } from "./key-draft";
import { KeyFields } from "./key-fields";

interface EditKeyProps {
  orgId: string;
  apiKey: KeyRow;
  grantableScopes: readonly ApiKeyScope[];
  onSaved: (text: string) => void;
}

/** "Edit" on a key's row: name, description, scopes, expiry and restrictions, sent as a patch of what changed. */
export function EditKeyDialog(props: EditKeyProps) {
  const [open, setOpen] = useState(false);
  const { apiKey } = props;
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={`Edit ${apiKey.name}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Edit
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Edit ${apiKey.name}`}
        description="Changes apply to the key's next request; the secret stays the same."
      >
        <EditKeyForm {...props} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function EditKeyForm({ orgId, apiKey, grantableScopes, onSaved, onClose }: EditKeyProps & { onClose: () => void }) {
  const [draft, setDraft] = useState(() => draftFromKey(apiKey));
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [unchanged, setUnchanged] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(updateApiKeyAction, {
    onFailure: () => focusFirstInvalid(formRef.current),
    onSuccess: (key) => {
      onClose();
      onSaved(`${key.name} updated.`);
    },
  });
  const errors = { ...formErrors(fieldErrors), ...clientErrors };

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const read = readDraft(draft);
    setClientErrors(read.errors ?? {});
    if (!read.values) return focusFirstInvalid(formRef.current);
    const patch = patchFrom(apiKey, read.values);
    setUnchanged(Object.keys(patch).length === 0);
    if (Object.keys(patch).length === 0) return;
    run({ orgId, projectId: apiKey.projectId, keyId: apiKey.id, patch });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4">
      <KeyFields
        idPrefix={`edit-${apiKey.id}`}
        draft={draft}
        onChange={(next) => {
          setDraft(next);
          setUnchanged(false);
        }}
        errors={errors}
        grantableScopes={grantableScopes}
        currentExpiry={apiKey.expiresAt}
      />
      {unchanged ? <Alert tone="info">Nothing has changed yet.</Alert> : null}
      {errors.form ? <Alert tone="error">{errors.form}</Alert> : <FormError failure={failure} />}
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={pending}>
          Save changes
        </Button>
      </div>
    </form>
  );
}
