"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { updateOrgSettingsAction } from "@/lib/settings/actions";
import { AUDIT_RETENTION_DAYS, RETENTION_DAYS } from "@/lib/settings/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { PROVIDER_KEY_MODE_INFO } from "./provider-keys/modes";
import { DomainListField, SwitchField } from "./setting-controls";
import { checkDomains, draftFrom, fieldErrorsOf, patchFrom, readDraft, type OrgSettings, type SettingsDraft, type Toggle } from "./settings-draft";

const STORAGE: { field: Toggle; label: string; text: string }[] = [
  { field: "storePrompts", label: "Store prompts", text: "Keep the text of the messages sent to the model with each request's record." },
  { field: "storeResponses", label: "Store responses", text: "Keep the text the model answered with each request's record." },
  { field: "storeInternalDebug", label: "Store internal debug data", text: "Keep provider request and response details for troubleshooting." },
];

function focusFirstInvalid(form: HTMLFormElement | null) {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** The "Security and data" settings of the org; read-only without settings.manage. */
export function SecuritySettingsForm({ orgId, settings, canManage, providerKeysHref }: { orgId: string; settings: OrgSettings; canManage: boolean; providerKeysHref: string }) {
  const [saved, setSaved] = useState(settings);
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFrom(settings));
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<"saved" | "unchanged" | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(updateOrgSettingsAction, {
    onFailure: () => focusFirstInvalid(formRef.current),
    onSuccess: (result) => {
      setSaved(result.settings);
      setDraft(draftFrom(result.settings));
      setNotice("saved");
    },
  });
  const serverErrors = fieldErrorsOf(fieldErrors);
  const errors = { ...serverErrors, ...clientErrors };
  const readOnly = !canManage;
  const domainLines = checkDomains(draft.domains);

  function set<K extends keyof SettingsDraft>(field: K, value: SettingsDraft[K]) {
    setDraft((current) => ({ ...current, [field]: value }));
    setNotice(null);
    setClientErrors(({ [field === "domains" ? "allowedEmailDomains" : field]: _cleared, ...rest }) => rest);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (readOnly) return;
    const read = readDraft(draft);
    setClientErrors(read.errors);
    if (!read.values) return focusFirstInvalid(formRef.current);
    const patch = patchFrom(saved, read.values);
    if (Object.keys(patch).length === 0) return setNotice("unchanged");
    setNotice(null);
    run({ orgId, patch });
  }

  return (
    <form ref={formRef} onSubmit={submit} noValidate aria-labelledby="security-title" className="space-y-6">
      {readOnly ? (
        <Alert tone="info" live="none">
          Only admins and owners can change these settings.
        </Alert>
      ) : null}
      <fieldset disabled={readOnly} className="space-y-6">
        <section aria-labelledby="retention-heading" className="space-y-3">
          <h3 id="retention-heading" className="text-[0.8125rem] font-semibold text-zinc-900">
            Retention
          </h3>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField
              id="settings-retention-days"
              label="Data retention (days)"
              type="number"
              inputMode="numeric"
              min={RETENTION_DAYS.min}
              max={RETENTION_DAYS.max}
              step={1}
              value={draft.retentionDays}
              onChange={(event) => set("retentionDays", event.target.value)}
              hint={`How long request records, and any prompts and responses stored with them, are kept: ${RETENTION_DAYS.min} to ${RETENTION_DAYS.max} days (default ${RETENTION_DAYS.default}). Projects may set their own.`}
              error={errors.retentionDays}
              fieldClassName="max-w-xs"
            />
            <TextField
              id="settings-audit-retention-days"
              label="Audit log retention (days)"
              type="number"
              inputMode="numeric"
              min={AUDIT_RETENTION_DAYS.min}
              max={AUDIT_RETENTION_DAYS.max}
              step={1}
              value={draft.auditRetentionDays}
              onChange={(event) => set("auditRetentionDays", event.target.value)}
              hint={`How long audit events are kept: ${AUDIT_RETENTION_DAYS.min} to ${AUDIT_RETENTION_DAYS.max} days (default ${AUDIT_RETENTION_DAYS.default}).`}
              error={errors.auditRetentionDays}
              fieldClassName="max-w-xs"
            />
          </div>
        </section>

        <section aria-labelledby="storage-heading" className="space-y-3">
          <div className="space-y-0.5">
            <h3 id="storage-heading" className="text-[0.8125rem] font-semibold text-zinc-900">
              What is stored
            </h3>
            <p className="text-xs text-zinc-500">
              By default nothing a request contains is stored: each request keeps only its usage record (model, tokens, status, timing). Turn these on only if
              you need the content; it is kept for the retention period above. Projects can override them.
            </p>
          </div>
          {STORAGE.map(({ field, label, text }) => (
            <SwitchField key={field} id={`settings-${field}`} label={label} description={text} checked={draft[field]} onChange={(on) => set(field, on)} />
          ))}
          {errors.storePrompts ?? errors.storeResponses ?? errors.storeInternalDebug ? (
            <p className="text-xs font-medium text-red-700">{errors.storePrompts ?? errors.storeResponses ?? errors.storeInternalDebug}</p>
          ) : null}
        </section>

        <section aria-labelledby="access-heading" className="space-y-3">
          <h3 id="access-heading" className="text-[0.8125rem] font-semibold text-zinc-900">
            Caching and access
          </h3>
          <SwitchField
            id="settings-allowSemanticCache"
            label="Allow semantic cache"
            description="Let the gateway answer a prompt from the cached answer to a similar earlier prompt of this organisation. Off: every request goes to the provider."
            checked={draft.allowSemanticCache}
            onChange={(on) => set("allowSemanticCache", on)}
          />
          <SwitchField
            id="settings-enforceSso"
            label="Enforce SSO"
            description="Members must sign in through the organisation's identity provider. It takes effect once SSO sign-in is set up; until then, password sign-in keeps working."
            checked={draft.enforceSso}
            onChange={(on) => set("enforceSso", on)}
          />
          <SwitchField
            id="settings-requireMfaForAdmins"
            label="Require MFA for owners and admins"
            description="Owners and admins must pass two-factor authentication in each session before they act in this organisation; whoever has not set it up is asked to. Turning it off needs a recent two-factor check."
            checked={draft.requireMfaForAdmins}
            onChange={(on) => set("requireMfaForAdmins", on)}
          />
          {errors.allowSemanticCache ?? errors.enforceSso ?? errors.requireMfaForAdmins ? (
            <p className="text-xs font-medium text-red-700">{errors.allowSemanticCache ?? errors.enforceSso ?? errors.requireMfaForAdmins}</p>
          ) : null}
          <DomainListField
            id="settings-allowed-email-domains"
            value={draft.domains}
            onChange={(value) => set("domains", value)}
            checked={domainLines}
            error={errors.allowedEmailDomains}
          />
          <div className="space-y-0.5 text-[0.8125rem]">
            <p className="font-medium text-zinc-800">Provider-key mode</p>
            <p className="text-zinc-900">{PROVIDER_KEY_MODE_INFO[draft.providerKeyMode].label}</p>
            <p className="max-w-2xl text-xs text-zinc-500">
              {PROVIDER_KEY_MODE_INFO[draft.providerKeyMode].text} {readOnly ? "Admins and owners change it" : "Change it"} on the{" "}
              <Link href={providerKeysHref} className="font-medium text-accent-700 underline underline-offset-2 hover:text-accent-800">
                Provider keys
              </Link>{" "}
              page, beside the vaulted keys.
            </p>
          </div>
        </section>
      </fieldset>

      {errors.form ? <Alert tone="error">{errors.form}</Alert> : <FormError failure={failure} />}
      {readOnly ? null : (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="primary" pending={pending}>
            Save security settings
          </Button>
          <p role="status" className="text-[0.8125rem] text-emerald-700 empty:hidden">
            {notice === "saved" ? "Security settings saved." : notice === "unchanged" ? "Nothing has changed yet." : null}
          </p>
        </div>
      )}
    </form>
  );
}
