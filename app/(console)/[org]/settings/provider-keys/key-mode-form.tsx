"use client";

import { useState, type FormEvent } from "react";
import { PROVIDERS, type Provider } from "@/lib/gateway/types";
import { updateOrgSettingsAction } from "@/lib/settings/actions";
import { PROVIDER_KEY_MODES, type ProviderKeyMode } from "@/lib/settings/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cx } from "@/components/ui/cx";
import { PROVIDER_LABELS } from "./key-draft";
import { PROVIDER_KEY_MODE_INFO } from "./modes";

interface KeyModeProps {
  orgId: string;
  mode: ProviderKeyMode;
  /** Providers with a live org-wide key: VAULT_ONLY without one refuses every request for that provider. */
  vaultedProviders: Provider[];
  canManage: boolean;
}

/** Where the gateway takes provider keys from: the org's providerKeyMode setting, saved through the settings action. */
export function KeyModeForm({ orgId, mode, vaultedProviders, canManage }: KeyModeProps) {
  const [saved, setSaved] = useState(mode);
  const [choice, setChoice] = useState(mode);
  const [notice, setNotice] = useState<string | null>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(updateOrgSettingsAction, {
    onSuccess: (result) => {
      setSaved(result.settings.providerKeyMode);
      setChoice(result.settings.providerKeyMode);
      setNotice(`Key mode saved: ${PROVIDER_KEY_MODE_INFO[result.settings.providerKeyMode].label}.`);
    },
  });
  const fieldError = Object.values(fieldErrors)[0];

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canManage) return;
    if (choice === saved) return setNotice("Nothing has changed yet.");
    setNotice(null);
    run({ orgId, patch: { providerKeyMode: choice } });
  }

  const missing = PROVIDERS.filter((provider) => !vaultedProviders.includes(provider));
  return (
    <form onSubmit={submit} noValidate className="space-y-4" aria-labelledby="key-mode-title">
      {canManage ? null : (
        <Alert tone="info" live="none">
          Only admins and owners can change the key mode.
        </Alert>
      )}
      <fieldset disabled={!canManage} className="space-y-2">
        <legend className="mb-2 text-[0.8125rem] font-medium text-zinc-800">Provider-key mode</legend>
        {PROVIDER_KEY_MODES.map((value) => (
          <label
            key={value}
            className={cx(
              "flex cursor-pointer items-start gap-2.5 rounded-md border px-3 py-2 text-[0.8125rem]",
              choice === value ? "border-accent-600 bg-accent-50/50" : "border-zinc-200 hover:bg-zinc-50",
            )}
          >
            <input
              type="radio"
              name="providerKeyMode"
              value={value}
              checked={choice === value}
              onChange={() => {
                setChoice(value);
                setNotice(null);
              }}
              aria-labelledby={`key-mode-${value}-label`}
              aria-describedby={`key-mode-${value}-text`}
              className="mt-0.5 size-4 accent-accent-600"
            />
            <span className="min-w-0">
              <span className="block font-medium text-zinc-900">
                <span id={`key-mode-${value}-label`}>{PROVIDER_KEY_MODE_INFO[value].label}</span>
                {value === saved ? <span className="font-normal text-zinc-500"> (current)</span> : null}
              </span>
              <span id={`key-mode-${value}-text`} className="block text-xs text-zinc-500">
                {PROVIDER_KEY_MODE_INFO[value].text}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      {choice === "VAULT_ONLY" && missing.length > 0 ? (
        <Alert tone="warning" live="none">
          No org-wide {missing.map((provider) => PROVIDER_LABELS[provider]).join(" or ")} key is in the vault: requests to{" "}
          {missing.length === 1 ? "that provider" : "those providers"} fail with vault_key_missing unless the project has a key of its own.
        </Alert>
      ) : null}
      {fieldError ? <Alert tone="error">{fieldError}</Alert> : <FormError failure={failure} />}
      {canManage ? (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="primary" pending={pending}>
            Save key mode
          </Button>
          <p role="status" className="text-[0.8125rem] text-emerald-700 empty:hidden">
            {notice}
          </p>
        </div>
      ) : null}
    </form>
  );
}
