"use client";

import { useRef, useState, type FormEvent } from "react";
import { updateProviderKeyAction } from "@/lib/vault/actions";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { focusFirstInvalid, labelIssue, type ProviderKeyRow } from "./key-draft";
import { LabelField } from "./label-field";
import { useFieldErrors } from "./use-field-errors";

interface RenameProps {
  orgId: string;
  providerKey: ProviderKeyRow;
  onRenamed: (text: string) => void;
}

const FIELDS = ["label"] as const;

/** "Rename" on a key's row: the label only; the secret stays. */
export function RenameKeyDialog(props: RenameProps) {
  const [open, setOpen] = useState(false);
  const { providerKey } = props;
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={`Rename ${providerKey.label}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Rename
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Rename ${providerKey.label}`} description="The label tells keys apart in the console and the audit log; the key itself stays the same.">
        <RenameKeyForm {...props} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function RenameKeyForm({ orgId, providerKey, onRenamed, onClose }: RenameProps & { onClose: () => void }) {
  const [label, setLabel] = useState(providerKey.label);
  const [unchanged, setUnchanged] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(updateProviderKeyAction, {
    onFailure: () => focusFirstInvalid(formRef.current),
    onSuccess: (key) => {
      onClose();
      onRenamed(`Renamed to ${key.label}.`);
    },
  });
  const { error, check, checkAll, formError } = useFieldErrors(FIELDS, fieldErrors);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!checkAll({ label: labelIssue(label) })) return focusFirstInvalid(formRef.current);
    const next = label.trim();
    setUnchanged(next === providerKey.label);
    if (next === providerKey.label) return;
    run({ orgId, providerKeyId: providerKey.id, label: next });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4">
      <LabelField
        id={`rename-${providerKey.id}-label`}
        value={label}
        onChange={(value) => {
          setLabel(value);
          setUnchanged(false);
        }}
        onCheck={(issue) => check("label", issue)}
        error={error("label")}
      />
      {unchanged ? <Alert tone="info">Nothing has changed yet.</Alert> : null}
      {formError ? <Alert tone="error">{formError}</Alert> : <FormError failure={failure} />}
      <div className="flex justify-end gap-2 pt-1">
        <Button onClick={onClose}>Cancel</Button>
        <Button type="submit" variant="primary" pending={pending}>
          Save label
        </Button>
      </div>
    </form>
  );
}
