"use client";

import { useRef, useState, type FormEvent } from "react";
import { PROVIDERS, type Provider } from "@/lib/gateway/types";
import { createProviderKeyAction } from "@/lib/vault/actions";
import { useActionCall } from "@/components/forms/use-action-call";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { SelectField } from "@/components/ui/field";
import { focusFirstInvalid, labelIssue, PROVIDER_LABELS, secretIssue, type ProjectOption } from "./key-draft";
import { LabelField } from "./label-field";
import { SecretField, SecretFormFooter } from "./secret-field";
import { useFieldErrors } from "./use-field-errors";

interface AddKeyProps {
  orgId: string;
  projects: ProjectOption[];
  onAdded: (text: string) => void;
}

const FIELDS = ["provider", "label", "projectId", "secret"] as const;

/** "Add provider key" and its dialog. The form mounts only while open, so every opening starts clean. */
export function AddKeyDialog(props: AddKeyProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="primary" aria-haspopup="dialog" onClick={() => setOpen(true)}>
        Add provider key
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title="Add a provider key"
        description="The gateway uses it to call the provider for every project in its scope. A project's own key wins over the org-wide one."
      >
        <AddKeyForm {...props} onClose={() => setOpen(false)} />
      </Dialog>
    </>
  );
}

function AddKeyForm({ orgId, projects, onAdded, onClose }: AddKeyProps & { onClose: () => void }) {
  const [provider, setProvider] = useState<Provider>("openai");
  const [label, setLabel] = useState("");
  const [projectId, setProjectId] = useState("");
  const [sent, setSent] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const secretRef = useRef<HTMLInputElement>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(createProviderKeyAction, {
    onFailure: () => focusFirstInvalid(formRef.current),
    onSuccess: (key) => {
      onClose();
      onAdded(`${PROVIDER_LABELS[key.provider]} key “${key.label}” added.`);
    },
  });
  const { error, check, checkAll, formError } = useFieldErrors(FIELDS, fieldErrors);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const secret = secretRef.current?.value ?? "";
    if (!checkAll({ label: labelIssue(label), secret: secret === "" ? "Required" : secretIssue(secret) })) return focusFirstInvalid(formRef.current);
    // The secret leaves the page with this call; the input is emptied at once.
    if (secretRef.current) secretRef.current.value = "";
    setSent(true);
    run({ orgId, provider, label: label.trim(), projectId: projectId || null, secret });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="space-y-4" autoComplete="off">
      <SelectField id="add-provider-key-provider" label="Provider" value={provider} onChange={(event) => setProvider(event.target.value as Provider)} error={error("provider")}>
        {PROVIDERS.map((name) => (
          <option key={name} value={name}>
            {PROVIDER_LABELS[name]}
          </option>
        ))}
      </SelectField>
      <LabelField
        id="add-provider-key-label"
        value={label}
        onChange={setLabel}
        onCheck={(issue) => check("label", issue)}
        placeholder="e.g. Production OpenAI"
        hint="Shown in the console and the audit log, to tell keys apart."
        error={error("label")}
      />
      <SelectField
        id="add-provider-key-scope"
        label="Scope"
        value={projectId}
        onChange={(event) => setProjectId(event.target.value)}
        hint="Org-wide: every project without a key of its own. A project: that project only."
        error={error("projectId")}
      >
        <option value="">Org-wide</option>
        {projects.map((project) => (
          <option key={project.id} value={project.id}>
            Project: {project.name}
          </option>
        ))}
      </SelectField>
      <SecretField id="add-provider-key-secret" label="Secret key" inputRef={secretRef} error={error("secret")} onCheck={(issue) => check("secret", issue)} />
      <SecretFormFooter sent={sent} failure={failure} formError={formError} pending={pending} submitLabel="Add key" onCancel={onClose} />
    </form>
  );
}
