"use client";

import { API_KEY_SCOPES, MAX_KEY_RATE_LIMIT, type ApiKeyScope } from "@/lib/api-keys/schemas";
import { formatDateTime } from "@/components/format";
import { Field, SelectField, TextField } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { checkIps, checkOrigins, EXPIRY_CHOICES, minExpiryDate, SCOPE_INFO, type ExpiryChoice, type KeyDraft } from "./key-draft";
import { ListField } from "./list-field";

interface KeyFieldsProps {
  /** Prefix for element ids, unique on the page. */
  idPrefix: string;
  draft: KeyDraft;
  onChange: (draft: KeyDraft) => void;
  errors: Record<string, string>;
  /** Scopes the viewer may grant; the others show disabled. */
  grantableScopes: readonly ApiKeyScope[];
  /** The stored expiry, when editing a key that has one. */
  currentExpiry?: string | null;
}

/** Name, description, scopes, expiry and restrictions of a key: the body of the create and edit dialogs. */
export function KeyFields({ idPrefix, draft, onChange, errors, grantableScopes, currentExpiry }: KeyFieldsProps) {
  const set = <K extends keyof KeyDraft>(field: K, value: KeyDraft[K]) => onChange({ ...draft, [field]: value });
  const id = (name: string) => `${idPrefix}-${name}`;

  function toggleScope(scope: ApiKeyScope, on: boolean) {
    set("scopes", on ? [...draft.scopes, scope] : draft.scopes.filter((s) => s !== scope));
  }

  return (
    <div className="space-y-4">
      <TextField
        id={id("name")}
        label="Name"
        value={draft.name}
        onChange={(event) => set("name", event.target.value)}
        required
        maxLength={80}
        autoComplete="off"
        placeholder="e.g. production backend"
        error={errors.name}
      />
      <TextField
        id={id("description")}
        label="Description (optional)"
        value={draft.description}
        onChange={(event) => set("description", event.target.value)}
        maxLength={500}
        autoComplete="off"
        placeholder="Where it is used and who looks after it"
        error={errors.description}
      />

      <fieldset className="space-y-2" aria-describedby={errors.scopes ? id("scopes-error") : undefined}>
        <legend className="text-[0.8125rem] font-medium text-zinc-800">Scopes</legend>
        {API_KEY_SCOPES.map((scope) => {
          const allowed = grantableScopes.includes(scope);
          const checked = draft.scopes.includes(scope);
          return (
            <div key={scope} className="flex items-start gap-2.5">
              <input
                id={id(`scope-${scope}`)}
                type="checkbox"
                checked={checked}
                disabled={!allowed && !checked}
                onChange={(event) => toggleScope(scope, event.target.checked)}
                aria-describedby={id(`scope-${scope}-text`)}
                className="mt-0.5 size-4 shrink-0 rounded border-zinc-300 accent-accent-600 disabled:cursor-not-allowed"
              />
              <div className="min-w-0 text-[0.8125rem] leading-snug">
                <label htmlFor={id(`scope-${scope}`)} className={allowed ? "font-mono text-zinc-900" : "font-mono text-zinc-400"}>
                  {SCOPE_INFO[scope].label}
                </label>
                <p id={id(`scope-${scope}-text`)} className={allowed ? "text-xs text-zinc-500" : "text-xs text-zinc-400"}>
                  {SCOPE_INFO[scope].text}
                  {allowed ? null : " Your role cannot grant it."}
                </p>
              </div>
            </div>
          );
        })}
        {errors.scopes ? (
          <p id={id("scopes-error")} className="text-xs font-medium text-red-700">
            {errors.scopes}
          </p>
        ) : null}
      </fieldset>

      <div className="grid gap-3 sm:grid-cols-2">
        <SelectField
          id={id("expiry")}
          label="Expires"
          value={draft.expiry}
          onChange={(event) => set("expiry", event.target.value as ExpiryChoice)}
          error={draft.expiry === "custom" ? undefined : errors.expiresAt}
        >
          {currentExpiry ? <option value="keep">Keep: {formatDateTime(currentExpiry)}</option> : null}
          {EXPIRY_CHOICES.map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </SelectField>
        {draft.expiry === "custom" ? (
          <TextField
            id={id("expiry-date")}
            label="Expiry date"
            type="date"
            min={minExpiryDate()}
            value={draft.expiryDate}
            onChange={(event) => set("expiryDate", event.target.value)}
            hint="At the end of this day, UTC."
            error={errors.expiresAt}
          />
        ) : null}
      </div>

      <ListField
        id={id("ips")}
        label="IP allowlist"
        hint="One IP address or CIDR range per line (10.0.0.0/8, 2001:db8::/32). Leave empty to accept calls from any address."
        placeholder={"203.0.113.7\n10.0.0.0/8"}
        value={draft.ips}
        onChange={(value) => set("ips", value)}
        checked={checkIps(draft.ips)}
        expected="an IP address or CIDR range"
        error={errors.ipAllowlist}
      />
      <ListField
        id={id("origins")}
        label="Allowed origins"
        hint="One origin per line (https://app.example.com, https://*.example.com). Browser calls from any other origin are refused; leave empty to refuse all browser calls. Server-side calls are not affected."
        placeholder="https://app.example.com"
        value={draft.origins}
        onChange={(value) => set("origins", value)}
        checked={checkOrigins(draft.origins)}
        expected="an origin"
        error={errors.allowedOrigins}
      />

      <Field
        id={id("rate")}
        label="Rate limit (optional)"
        hint="Requests per minute for this key. Leave empty to use the default limit."
        error={errors.rateLimit}
        className="max-w-xs"
      >
        <div className="flex max-w-44 items-center gap-2">
          <Input
            id={id("rate")}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_KEY_RATE_LIMIT}
            step={1}
            placeholder="Default"
            value={draft.rateLimit}
            onChange={(event) => set("rateLimit", event.target.value)}
            aria-invalid={errors.rateLimit ? true : undefined}
            aria-describedby={errors.rateLimit ? id("rate-error") : id("rate-hint")}
          />
          <span className="shrink-0 text-xs text-zinc-500">/ min</span>
        </div>
      </Field>
    </div>
  );
}
