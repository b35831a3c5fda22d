"use client";

import { useState, type FormEvent } from "react";
import type { z } from "zod";
import { updateProjectSettingsAction } from "@/lib/settings/actions";
import { PROVIDER_KEY_MODES, RETENTION_DAYS, retentionDays, type ProjectSettingsPatch, type ProviderKeyMode, type projectSettingsDto } from "@/lib/settings/schemas";
import { FormError } from "@/components/forms/form-error";
import { useActionCall } from "@/components/forms/use-action-call";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SelectField, TextField } from "@/components/ui/field";

type ProjectSettings = z.output<typeof projectSettingsDto>;
const SWITCHES = [
  { field: "storePrompts", label: "Store prompts" },
  { field: "storeResponses", label: "Store responses" },
  { field: "storeInternalDebug", label: "Store internal debug data" },
] as const;
type SwitchName = (typeof SWITCHES)[number]["field"];
type Choice = "inherit" | "on" | "off";

/** Where the gateway takes this project's provider keys from. */
const KEY_MODES = {
  BYOK_ONLY: { label: "BYOK only", text: "Callers send their provider key in X-Provider-Key with every request; vaulted keys are never used." },
  VAULT_ONLY: { label: "Vault only", text: "Only the vaulted key is used (this project's own, else the organisation's); a request that sends X-Provider-Key is refused." },
  EITHER: { label: "Either", text: "The key sent in X-Provider-Key when there is one, else the vaulted key." },
} as const satisfies Record<ProviderKeyMode, { label: string; text: string }>;

type Draft = Record<SwitchName, Choice> & { retention: "inherit" | "custom"; retentionDays: string; providerKeyMode: ProviderKeyMode | "inherit" };

const onOff = (value: boolean) => (value ? "on" : "off");
const choiceOf = (value: boolean | null): Choice => (value === null ? "inherit" : onOff(value));
const valueOf = (choice: Choice): boolean | null => (choice === "inherit" ? null : choice === "on");
const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;

function draftFrom(settings: ProjectSettings): Draft {
  const retention = settings.retentionDays.value;
  return {
    retention: retention === null ? "inherit" : "custom",
    retentionDays: String(retention ?? settings.retentionDays.inherited),
    storePrompts: choiceOf(settings.storePrompts.value),
    storeResponses: choiceOf(settings.storeResponses.value),
    storeInternalDebug: choiceOf(settings.storeInternalDebug.value),
    providerKeyMode: settings.providerKeyMode.value ?? "inherit",
  };
}

/** The overrides that differ from the saved ones (null = inherit), or the retention field's error. */
function patchFrom(saved: ProjectSettings, draft: Draft): { patch?: ProjectSettingsPatch; error?: string } {
  const patch: ProjectSettingsPatch = {};
  let retention: number | null = null;
  if (draft.retention === "custom") {
    const parsed = retentionDays.safeParse(draft.retentionDays.trim() === "" ? Number.NaN : Number(draft.retentionDays));
    if (!parsed.success) return { error: parsed.error.issues[0]?.message ?? "Invalid" };
    retention = parsed.data;
  }
  if (retention !== saved.retentionDays.value) patch.retentionDays = retention;
  for (const { field } of SWITCHES) {
    const value = valueOf(draft[field]);
    if (value !== saved[field].value) patch[field] = value;
  }
  const mode = draft.providerKeyMode === "inherit" ? null : draft.providerKeyMode;
  if (mode !== saved.providerKeyMode.value) patch.providerKeyMode = mode;
  return { patch };
}

function Applies({ id, text, own }: { id: string; text: string; own: boolean }) {
  return (
    <p id={id} className="text-xs text-zinc-500">
      Applies: <span className="font-medium text-zinc-800">{text}</span>, {own ? "set for this project" : "inherited from the organisation"}.
    </p>
  );
}

/** A project's overrides of retention, storage and provider-key mode, each shown with the org's value it would inherit. */
export function ProjectDataSettingsForm({ orgId, settings, canManage }: { orgId: string; settings: ProjectSettings; canManage: boolean }) {
  const [saved, setSaved] = useState(settings);
  const [draft, setDraft] = useState(() => draftFrom(settings));
  const [clientError, setClientError] = useState<string | undefined>();
  const [notice, setNotice] = useState<"saved" | "unchanged" | null>(null);
  const { pending, run, fieldErrors, failure } = useActionCall(updateProjectSettingsAction, {
    onSuccess: (result) => {
      setSaved(result.settings);
      setDraft(draftFrom(result.settings));
      setNotice("saved");
    },
  });
  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => {
    setDraft((current) => ({ ...current, [field]: value }));
    setNotice(null);
    if (field === "retention" || field === "retentionDays") setClientError(undefined);
  };
  const retentionError = clientError ?? fieldErrors["patch.retentionDays"];
  const id = (name: string) => `project-${saved.projectId}-${name}`;
  const shownMode = draft.providerKeyMode === "inherit" ? saved.providerKeyMode.inherited : draft.providerKeyMode;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!canManage) return;
    const { patch, error } = patchFrom(saved, draft);
    setClientError(error);
    if (!patch) return document.getElementById(id("retention-days"))?.focus();
    if (Object.keys(patch).length === 0) return setNotice("unchanged");
    setNotice(null);
    run({ orgId, projectId: saved.projectId, patch });
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-5">
      {canManage ? null : (
        <Alert tone="info" live="none">
          Only admins and owners can change these settings.
        </Alert>
      )}
      <fieldset disabled={!canManage} className="grid gap-5 sm:grid-cols-2">
        <div className="space-y-2">
          <SelectField
            id={id("retention")}
            label="Data retention"
            value={draft.retention}
            onChange={(event) => set("retention", event.target.value as Draft["retention"])}
            aria-describedby={id("retention-applies")}
          >
            <option value="inherit">Inherit ({days(saved.retentionDays.inherited)})</option>
            <option value="custom">Set for this project</option>
          </SelectField>
          {draft.retention === "custom" ? (
            <TextField
              id={id("retention-days")}
              label="Project retention (days)"
              type="number"
              inputMode="numeric"
              min={RETENTION_DAYS.min}
              max={RETENTION_DAYS.max}
              step={1}
              value={draft.retentionDays}
              onChange={(event) => set("retentionDays", event.target.value)}
              hint={`${RETENTION_DAYS.min} to ${RETENTION_DAYS.max} days.`}
              error={retentionError}
              fieldClassName="max-w-44"
            />
          ) : null}
          <Applies id={id("retention-applies")} text={days(saved.retentionDays.effective)} own={saved.retentionDays.value !== null} />
        </div>
        {SWITCHES.map(({ field, label }) => (
          <div key={field} className="space-y-2">
            <SelectField
              id={id(field)}
              label={label}
              value={draft[field]}
              onChange={(event) => set(field, event.target.value as Choice)}
              aria-describedby={[fieldErrors[`patch.${field}`] ? `${id(field)}-error` : null, id(`${field}-applies`)].filter(Boolean).join(" ")}
              error={fieldErrors[`patch.${field}`]}
            >
              <option value="inherit">Inherit ({saved[field].inherited ? "on" : "off"})</option>
              <option value="on">On</option>
              <option value="off">Off</option>
            </SelectField>
            <Applies id={id(`${field}-applies`)} text={saved[field].effective ? "on" : "off"} own={saved[field].value !== null} />
          </div>
        ))}
        <div className="space-y-2 sm:col-span-2">
          <SelectField
            id={id("providerKeyMode")}
            label="Provider-key mode"
            value={draft.providerKeyMode}
            onChange={(event) => set("providerKeyMode", event.target.value as Draft["providerKeyMode"])}
            aria-describedby={[fieldErrors["patch.providerKeyMode"] ? `${id("providerKeyMode")}-error` : null, id("providerKeyMode-applies"), id("provider-key-modes")]
              .filter(Boolean)
              .join(" ")}
            error={fieldErrors["patch.providerKeyMode"]}
            fieldClassName="max-w-md"
          >
            <option value="inherit">Inherit (org: {KEY_MODES[saved.providerKeyMode.inherited].label})</option>
            {PROVIDER_KEY_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {KEY_MODES[mode].label}
              </option>
            ))}
          </SelectField>
          <Applies id={id("providerKeyMode-applies")} text={KEY_MODES[saved.providerKeyMode.effective].label} own={saved.providerKeyMode.value !== null} />
          <dl id={id("provider-key-modes")} className="max-w-2xl space-y-1 text-xs">
            {PROVIDER_KEY_MODES.map((mode) => (
              <div key={mode} className={mode === shownMode ? "text-zinc-900" : "text-zinc-500"}>
                <dt className="inline font-medium">{KEY_MODES[mode].label}: </dt>
                <dd className="inline">{KEY_MODES[mode].text}</dd>
              </div>
            ))}
          </dl>
        </div>
      </fieldset>
      {fieldErrors.patch || fieldErrors.form ? <Alert tone="error">{fieldErrors.patch ?? fieldErrors.form}</Alert> : <FormError failure={failure} />}
      {canManage ? (
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="primary" pending={pending}>
            Save project data settings
          </Button>
          <p role="status" className="text-[0.8125rem] text-emerald-700 empty:hidden">
            {notice === "saved" ? "Project data settings saved." : notice === "unchanged" ? "Nothing has changed yet." : null}
          </p>
        </div>
      ) : null}
    </form>
  );
}
