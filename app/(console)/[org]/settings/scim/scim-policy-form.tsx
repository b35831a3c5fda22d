"use client";

import { useState, type FormEvent } from "react";
import { updateScimSettingsAction } from "@/lib/scim/actions";
import { DEPROVISION_KEY_POLICIES, SCIM_ROLES, type DeprovisionKeyPolicy, type ScimRole } from "@/lib/scim/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { ROLE_LABELS, ROLE_SUMMARIES } from "@/components/roles";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { KEY_POLICY_TEXT, type ScimSettingsValues } from "./scim-draft";

/** Default role of provisioned members and the deprovisioning key policy, saved together. */
export function ScimPolicyForm({ orgId, settings }: { orgId: string; settings: ScimSettingsValues }) {
  const initialRole = settings.scimDefaultRole === "OWNER" ? "VIEWER" : settings.scimDefaultRole;
  const [role, setRole] = useState<ScimRole>(initialRole);
  const [policy, setPolicy] = useState<DeprovisionKeyPolicy>(settings.deprovisionKeyPolicy);
  const [saved, setSaved] = useState(false);
  const { pending, run, fieldErrors, failure } = useActionCall(updateScimSettingsAction, { onSuccess: () => setSaved(true) });
  const changed = role !== initialRole || policy !== settings.deprovisionKeyPolicy;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSaved(false);
    run({ orgId, patch: { scimDefaultRole: role, deprovisionKeyPolicy: policy } });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      <SelectField
        id="scim-default-role"
        label="Default role"
        value={role}
        onChange={(event) => {
          setRole(event.target.value as ScimRole);
          setSaved(false);
        }}
        hint="Given to members SCIM provisions, and to members who leave their last mapped group. SCIM never grants or removes OWNER."
        error={fieldErrors["patch.scimDefaultRole"]}
        fieldClassName="max-w-sm"
      >
        {SCIM_ROLES.map((name) => (
          <option key={name} value={name}>
            {ROLE_LABELS[name]}: {ROLE_SUMMARIES[name]}
          </option>
        ))}
      </SelectField>
      <fieldset className="space-y-2">
        <legend className="text-[0.8125rem] font-medium text-zinc-800">When a member is deprovisioned, their API keys in this organisation</legend>
        {DEPROVISION_KEY_POLICIES.map((value) => (
          <label key={value} className="flex items-start gap-2.5 text-[0.8125rem]">
            <input
              type="radio"
              name="deprovision-key-policy"
              value={value}
              checked={policy === value}
              onChange={() => {
                setPolicy(value);
                setSaved(false);
              }}
              className="mt-0.5 size-4 accent-accent-600"
            />
            <span>
              <span className="font-medium text-zinc-900">{value === "REVOKE" ? "Revoke" : "Flag"}</span>
              <span className="block text-xs text-zinc-500">{KEY_POLICY_TEXT[value]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormError failure={failure} />
      {saved && !changed ? <Alert tone="success">Provisioning policy saved.</Alert> : null}
      <div className="flex justify-end">
        <Button type="submit" variant="primary" pending={pending} disabled={!changed}>
          Save policy
        </Button>
      </div>
    </form>
  );
}
