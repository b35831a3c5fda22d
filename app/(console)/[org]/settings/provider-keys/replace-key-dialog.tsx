"use client";

import { useRef, useState, type FormEvent } from "react";
import { replaceProviderKeyAction } from "@/lib/vault/actions";
import { useActionCall } from "@/components/forms/use-action-call";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { focusFirstInvalid, labelIssue, PROVIDER_LABELS, scopePhrase, secretIssue, type ProviderKeyRow } from "./key-draft";
import { LabelField } from "./label-field";
import { SecretField, SecretFormFooter } from "./secret-field";
import { useFieldErrors } from "./use-field-errors";

interface ReplaceProps {
  orgId: string;
  providerKey: ProviderKeyRow;
  onReplaced: (text: string) => void;
}

const FIELDS = ["label", "secret"] as const;

/** "Replace" on a key's row: a new secret for the same provider and scope, and optionally a new label. */
export function ReplaceKeyDialog(props: ReplaceProps) {
  const [open, setOpen] = useState(false);
  const { providerKey } = props;
  return (
    <>
      <Button variant="ghost" size="sm" aria-label={`Replace ${providerKey.label}`} aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Replace
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Replace ${providerKey.label}`}
        description={
          <>
            A new {PROVIDER_LABELS[providerKey.provider]} secret for {scopePhrase(providerKey)}. The gateway
            uses it from the next request; the current one (
            <code className="text-xs">
              {providerKey.fingerprint} …{providerKey.last4}
            </code>
            ) is erased.
          </>
        }
      >
        <ReplaceKeyForm {...props} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function ReplaceKeyForm({ orgId, providerKey, onReplaced, onClose }: ReplaceProps & { onClose: () => void }) {
  const [label, setLabel] = useState(providerKey.label);
  const [sent, setSent] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(replaceProviderKeyAction, {
    onFailure: () => focusFirstInvalid(formRef.current),
    onSuccess: (key) => {
      onClose();
      onReplaced(`${key.label} replaced: now …${key.last4}.`);
    },
  });
  const { error, check, checkAll, formError } = useFieldErrors(FIELDS, fieldErrors);
  const idPrefix = `replace-${providerKey.id}`;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const secret = secretRef.current?.value ?? "";
    if (!checkAll({ label: labelIssue(label), secret: secret === "" ? "Required" : secretIssue(secret) })) return focusFirstInvalid(formRef.current);
    if (secretRef.current) secretRef.current.value = "";
    setSent(true);
    const renamed = label.trim() !== providerKey.label;
    run({ orgId, providerKeyId: providerKey.id, secret, ...(renamed ? { label: label.trim() } : {}) });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4" autoComplete="off">
      <SecretField id={`${idPrefix}-secret`} label="New secret key" inputRef={secretRef} error={error("secret")} onCheck={(issue) => check("secret", issue)} />
      <LabelField
        id={`${idPrefix}-label`}
        value={label}
        onChange={setLabel}
        onCheck={(issue) => check("label", issue)}
        hint="Keep it, or name the new key."
        error={error("label")}
      />
      <SecretFormFooter sent={sent} failure={failure} formError={formError} pending={pending} submitLabel="Replace key" onCancel={onClose} />
    </form>
  );
}
